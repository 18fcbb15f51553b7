/*
 * run_qemu: what `mmusim run --tracer qemu` needs to start a program under
 * qemu-user with mmusim's capture plugin (tools/qemu_plugin).
 */
#ifndef MMUSIM_CLI_RUN_QEMU_H
#define MMUSIM_CLI_RUN_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "mmusim.h"

#define RUN_QEMU_PLUGIN_FILE "mmusim-qemu-capture.so"

/* The qemu-user binary for an architecture name ("x86_64", "riscv64", "aarch64", ...), or NULL. */
const char *run_qemu_binary(const char *arch);

/*
 * The capture plugin to load: `override` if given (it must exist), else the
 * one next to the running mmusim, else the installed one.  Sets *path
 * (malloc'd) or returns an error naming where it looked.
 */
int run_qemu_plugin(const char *override, char **path, mmusim_error *err);

/* True if a program of that name can be found in PATH (a name with a '/' is a path). */
bool run_qemu_in_path(const char *name);

/*
 * The argv that runs prog (NULL-terminated; prog[0] a path) under qemu with
 * the plugin writing to trace_fd (cpus: NULL, or the plugin's thread-to-CPU
 * argument from run_qemu_threads_to_cpus): malloc'd, its strings too except prog's.
 * Free with run_qemu_argv_free.
 */
char **run_qemu_argv(const char *qemu, const char *plugin, int trace_fd, const char *cpus, char *const *prog);
void run_qemu_argv_free(char **argv);
/*
 * The guest VA space QEMU must reserve (its -R, QEMU_RESERVED_VA) so that a
 * 64-bit program's mappings and stack lie in the config's user half, where
 * the guest's kernel would put them (Sv39: below 2^38; QEMU's own layout
 * starts its mmaps at 2^38): "0x..." in buf, or "" when QEMU's layout (below
 * 2^47) fits already, the program is 32-bit (QEMU keeps it below 4 GiB) or
 * x86-64 (QEMU needs its vsyscall page at the top of the address space).
 */
void run_qemu_reserved_va(const mmusim_config *cfg, const char *arch, char buf[24]);


#endif
