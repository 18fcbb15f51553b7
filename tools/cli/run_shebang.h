/*
 * run_shebang: qemu-user loads ELF programs only, where the kernel would run
 * a `#!` script's interpreter; so `mmusim run --tracer qemu` does what the
 * kernel does (fs/binfmt_script.c) before it starts QEMU.
 */
#ifndef MMUSIM_CLI_RUN_SHEBANG_H
#define MMUSIM_CLI_RUN_SHEBANG_H

#include "mmusim.h"

/*
 * If the file at path starts with `#!`, sets *interp to its interpreter and
 * *arg to the one optional argument (NULL if none), both malloc'd, and
 * returns MMUSIM_OK; a file that is not a script leaves both NULL.  The
 * line is split as Linux splits it: the interpreter up to the first blank,
 * the rest (trimmed) one argument.  `#!/usr/bin/env NAME` gives NAME as PATH
 * finds it (env would exec it, ending the trace).  An interpreter that is a script too is
 * refused (QEMU could not load it either), as is a `#!` with no interpreter.
 */
int run_shebang(const char *path, char **interp, char **arg, mmusim_error *err);

#endif
