import sys
_cs_startup = len(sys.modules)
import time as _cs_time
_cs_out, _cs_stmt, _cs_check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
# Instruction counting (src/probe/callgrind.rs): the child calls two libc functions that nothing
# else calls, just before and after the statement; callgrind dumps its counters on entering each.
_cs_mark = len(sys.argv) > 4 and sys.argv[4] == "1"
del sys.argv[1:]
if _cs_mark:
    import posix as _cs_posix  # built in and loaded at start-up: binds a name, loads nothing
try:
    _cs_code = compile(_cs_stmt, "<coldstart>", "exec")
except SyntaxError as _cs_e:
    _cs_code, _cs_err = None, "syntax\t%s: %s" % (type(_cs_e).__name__, _cs_e)
_cs_globals = {"__name__": "__coldstart__", "__builtins__": __builtins__}
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
        _cs_err = ""
    except SystemExit as _cs_e:
        _cs_err = "exit\t%r" % (_cs_e.code,)
    except BaseException as _cs_e:
        _cs_err = "raise\t%s: %s" % (type(_cs_e).__name__, _cs_e)
_cs_t1 = _cs_time.perf_counter_ns()
_cs_c1 = _cs_time.process_time_ns()
_cs_mods = sorted(sys.modules)
_cs_hwm = ""
try:
    with open("/proc/self/status") as _cs_f:
        for _cs_line in _cs_f:
            if _cs_line.startswith("VmHWM:"):
                _cs_hwm = _cs_line.split()[1]
except OSError:
    pass
_cs_lines = ["coldstart-result\t1", "import_ns\t%d" % (_cs_t1 - _cs_t0),
             "import_cpu_ns\t%d" % (_cs_c1 - _cs_c0), "startup_modules\t%d" % _cs_startup,
             "peak_rss_kib\t%s" % _cs_hwm, "error\t" + _cs_err.replace("\n", " ")]
_cs_lines += ["module\t" + _cs_m for _cs_m in _cs_mods]
if _cs_check:
    import os as _cs_os
    for _cs_name, _cs_mod in list(sys.modules.items()):
        _cs_spec = getattr(_cs_mod, "__spec__", None)
        _cs_origin = getattr(_cs_spec, "origin", None) or ""
        _cs_cached = getattr(_cs_spec, "cached", None)
        if _cs_origin.endswith(".py") and _cs_cached and not _cs_os.path.exists(_cs_cached):
            _cs_lines.append("uncached\t" + _cs_name)
_cs_lines.append("end")
with open(_cs_out, "w") as _cs_f:
    _cs_f.write("\n".join(_cs_lines) + "\n")
