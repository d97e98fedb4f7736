import sys
# argv: the number of an inherited file descriptor (an unnamed file) to write the report to, and
# the most distributions to read. Run once per side, with the environment the samples get and
# without -I, so the search path is the one the target sees (--path, user site, .pth entries).
_fd, _cap = int(sys.argv[1]), int(sys.argv[2])
del sys.argv[1:]
import os
from importlib import metadata


def _header(text):
    # Name and Version from the header block only: the body after the first blank line is the
    # long description, which the email parser behind Distribution.metadata would also read.
    name = version = None
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "name" and name is None:
            name = value.strip()
        elif key == "version" and version is None:
            version = value.strip()
    return name, version


_found, _unreadable, _complete = [], 0, True
for _n, _d in enumerate(metadata.distributions()):
    if _n >= _cap:
        _complete = False
        break
    try:
        _text = _d.read_text("METADATA") or _d.read_text("PKG-INFO") or ""
    except Exception:
        _text = ""
    _name, _version = _header(_text)
    if _name and _version:
        _found.append("[%s,%s]" % (_cs_q(_name), _cs_q(_version)))
    else:
        _unreadable += 1
_doc = '{"coldstart_installed":1,"complete":%s,"unreadable":%d,"distributions":[%s]}\n' % (
    "true" if _complete else "false", _unreadable, ",".join(_found))
_bytes = _doc.encode("ascii")
while _bytes:
    _bytes = _bytes[os.write(_fd, _bytes):]
