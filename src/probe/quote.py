# The JSON string encoder every child script shares (joined in front of child.py and installed.py
# at compile time, src/probe/mod.rs). Hand-written rather than `import json`: a module named json
# on the target's path (or put into sys.modules by it) must not write the report. The result is
# ASCII (no newline can end a record early); lone surrogates (undecodable bytes of a file name,
# surrogate-escaped) become the text \udcXX. The `_cs_` prefix: child.py runs user code in the
# same process, and its own names all carry it.
def _cs_q(s):
    s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = []
    for c in s:
        o = ord(c)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= o < 0x7F:
            out.append(c)
        elif o < 0x10000:
            out.append("\\u%04x" % o)
        else:
            o -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
    return '"' + "".join(out) + '"'


