import sys
# What start-up loaded, copied in one step (list()) before anything else is imported.
_cs_startup_keys = list(sys.modules)
_cs_startup = len(_cs_startup_keys)
import time as _cs_time
# argv: the number of an inherited file descriptor (an unnamed file nothing in the target's reach
# can open by path), the statement, the bytecode-check flag. The report is written to it once,
# after the statement, as one JSON document.
_cs_fd, _cs_stmt, _cs_check = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
# `coldstart lazy`: the experiment's code (src/probe/lazy.py), mode, names and workload.
_cs_lazy = sys.argv[4:8] if len(sys.argv) >= 8 else None
# Instruction counting (src/probe/callgrind.rs): a fifth argument "mark" makes the child call two
# libc functions that nothing else calls, just before and after the statement; callgrind dumps
# its counters on entering each.
_cs_mark = len(sys.argv) == 5 and sys.argv[4] == "mark"
del sys.argv[1:]
_cs_kind, _cs_detail = "ok", ""
if _cs_mark:
    import posix as _cs_posix  # built in and loaded at start-up: binds a name, loads nothing


def _cs_describe(e):
    try:
        return "%s: %s" % (type(e).__name__, e)
    except BaseException:
        return type(e).__name__


try:
    _cs_code = compile(_cs_stmt, "<coldstart>", "exec")
except SyntaxError as _cs_e:
    _cs_code, _cs_kind, _cs_detail = None, "syntax", _cs_describe(_cs_e)
_cs_globals = {"__name__": "__coldstart__", "__builtins__": __builtins__}
_cs_exc = None
if _cs_lazy is not None:
    _cs_lab = {"__name__": "__coldstart_lazy__"}
    exec(compile(_cs_lazy[0], "<coldstart-lazy>", "exec"), _cs_lab)
    _cs_lab["setup"](_cs_lazy[1], [_cs_n for _cs_n in _cs_lazy[2].split(",") if _cs_n],
                     _cs_lazy[3])
_cs_c0 = _cs_time.process_time_ns()
_cs_t0 = _cs_time.perf_counter_ns()
if _cs_code is not None:
    try:
        if _cs_mark:
            _cs_posix.sched_get_priority_max(0)
        try:
            exec(_cs_code, _cs_globals)
        finally:
            if _cs_mark:
                _cs_posix.sched_get_priority_min(0)
    except SystemExit as _cs_e:
        try:
            _cs_kind, _cs_detail = "exit", repr(_cs_e.code)
        except BaseException:
            _cs_kind, _cs_detail = "exit", "?"
        _cs_exc = _cs_e
    except BaseException as _cs_e:
        _cs_kind, _cs_detail = "raise", _cs_describe(_cs_e)
        _cs_exc = _cs_e
_cs_t1 = _cs_time.perf_counter_ns()
_cs_c1 = _cs_time.process_time_ns()
# list() copies the keys in one step (a thread the target left running may still import).
_cs_keys = list(sys.modules)


def _cs_name(k):
    return k if type(k) is str else repr(k)


_cs_mods = sorted(_cs_name(k) for k in _cs_keys)
_cs_startup_names = sorted(_cs_name(k) for k in _cs_startup_keys)
_cs_hwm = "null"
try:
    with open("/proc/self/status") as _cs_f:
        for _cs_line in _cs_f:
            if _cs_line.startswith("VmHWM:"):
                _cs_hwm = str(int(_cs_line.split()[1]))
except (OSError, ValueError, IndexError):
    pass
_cs_lazy_json = "null"
if _cs_lazy is not None:
    # Before the bytecode check below, whose attribute reads would run deferred modules.
    _cs_lazy_json = _cs_lab["encode"](_cs_lab["after"](_cs_globals, _cs_exc), _cs_q)
_cs_uncached = []
if _cs_check:
    import os as _cs_os
    for _cs_key, _cs_mod in list(sys.modules.items()):
        _cs_spec = getattr(_cs_mod, "__spec__", None)
        _cs_origin = getattr(_cs_spec, "origin", None)
        _cs_cached = getattr(_cs_spec, "cached", None)
        if (type(_cs_origin) is str and _cs_origin.endswith(".py") and type(_cs_cached) is str
                and not _cs_os.path.exists(_cs_cached)):
            _cs_uncached.append(_cs_name(_cs_key))
_cs_doc = '{"coldstart_report":2,"import_ns":%d,"import_cpu_ns":%d,"startup_modules":%d,' \
    '"peak_rss_kib":%s,"outcome":%s,"detail":%s,"modules":[%s],"startup":[%s],"uncached":[%s],' \
    '"lazy":%s}\n' % (
        _cs_t1 - _cs_t0, _cs_c1 - _cs_c0, _cs_startup, _cs_hwm, _cs_q(_cs_kind), _cs_q(_cs_detail),
        ",".join(map(_cs_q, _cs_mods)), ",".join(map(_cs_q, _cs_startup_names)),
        ",".join(map(_cs_q, _cs_uncached)), _cs_lazy_json)
import os as _cs_os
_cs_bytes = _cs_doc.encode("ascii")
while _cs_bytes:
    _cs_bytes = _cs_bytes[_cs_os.write(_cs_fd, _cs_bytes):]
