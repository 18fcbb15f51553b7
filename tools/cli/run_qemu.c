/*
 * run_qemu: starting a program under qemu-user with mmusim's capture plugin.
 * QEMU's linux-user mode runs one program of the guest architecture on the
 * host; the plugin (loaded with -plugin FILE,fd=N) writes the binary trace
 * to the inherited descriptor N.
 */
#define _GNU_SOURCE
#include "run_qemu.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"

#ifndef MMUSIM_QEMU_PLUGIN_DIR
#define MMUSIM_QEMU_PLUGIN_DIR "/usr/local/lib/mmusim"
#endif
#ifndef MMUSIM_QEMU_PLUGIN_RELDIR
#define MMUSIM_QEMU_PLUGIN_RELDIR "../lib/mmusim"
#endif

static const struct {
	const char *arch, *qemu;
} qemu_of_arch[] = {
	{ "x86_64", "qemu-x86_64" },   { "x86_32", "qemu-i386" },     { "riscv64", "qemu-riscv64" },
	{ "riscv32", "qemu-riscv32" }, { "aarch64", "qemu-aarch64" },
};

const char *run_qemu_binary(const char *arch)
{
	for (size_t i = 0; i < sizeof(qemu_of_arch) / sizeof(qemu_of_arch[0]); i++)
		if (strcmp(arch, qemu_of_arch[i].arch) == 0)
			return qemu_of_arch[i].qemu;
	return NULL;
}

static bool is_file(const char *path)
{
	return access(path, R_OK) == 0;
}

int run_qemu_plugin(const char *override, char **path, mmusim_error *err)
{
	char self[PATH_MAX], near[PATH_MAX + 64];
	ssize_t n;

	if (override) {
		if (!is_file(override))
			return cli_set_error(err, MMUSIM_EINVAL, "run: --qemu-plugin %s: %s", override, strerror(errno));
		return (*path = strdup(override)) ? MMUSIM_OK : cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	}
	/* Next to the binary first: a build tree's mmusim finds its own plugin, not an installed one. */
	near[0] = 0;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(near, sizeof(near), "%s/%s", self, RUN_QEMU_PLUGIN_FILE);
			if (is_file(near))
				return (*path = strdup(near)) ? MMUSIM_OK : cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
			/* Installed: BINDIR/../LIBDIR/mmusim, wherever the package put the prefix. */
			snprintf(near, sizeof(near), "%s/" MMUSIM_QEMU_PLUGIN_RELDIR "/%s", self, RUN_QEMU_PLUGIN_FILE);
			if (is_file(near))
				return (*path = strdup(near)) ? MMUSIM_OK : cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
		}
	}
	if (is_file(MMUSIM_QEMU_PLUGIN_DIR "/" RUN_QEMU_PLUGIN_FILE))
		return (*path = strdup(MMUSIM_QEMU_PLUGIN_DIR "/" RUN_QEMU_PLUGIN_FILE))
			       ? MMUSIM_OK
			       : cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	return cli_set_error(err, MMUSIM_EINVAL,
			     "run: the QEMU capture plugin %s is neither next to mmusim nor in %s (give --qemu-plugin "
			     "PATH, or --tracer valgrind)",
			     RUN_QEMU_PLUGIN_FILE, MMUSIM_QEMU_PLUGIN_DIR);
}

bool run_qemu_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char full[PATH_MAX];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	for (const char *dir = path ? path : "/bin:/usr/bin";;) {
		size_t n = strcspn(dir, ":");
		snprintf(full, sizeof(full), "%.*s/%s", n ? (int)n : 1, n ? dir : ".", name);
		if (access(full, X_OK) == 0)
			return true;
		if (!dir[n])
			return false;
		dir += n + 1;
	}
}

char **run_qemu_argv(const char *qemu, const char *plugin, int trace_fd, const char *cpus, char *const *prog)
{
	int argc = 0;
	char **argv;

	while (prog[argc])
		argc++;
	if (!(argv = calloc((size_t)argc + 4, sizeof(*argv))))
		return NULL;
	argv[0] = strdup(qemu);
	argv[1] = strdup("-plugin");
	/* QEMU splits the option at commas: one in the plugin's path ('/opt/a,b/') is written ',,'. */
	char *file = malloc(2 * strlen(plugin) + 1), *q = file;
	if (file) {
		for (const char *c = plugin; *c; c++)
			if ((*q++ = *c) == ',')
				*q++ = ',';
		*q = '\0';
	}
	if (!file || asprintf(&argv[2], "%s,fd=%d%s%s", file, trace_fd, cpus ? "," : "", cpus ? cpus : "") < 0)
		argv[2] = NULL;
	free(file);
	if (!argv[0] || !argv[1] || !argv[2]) {
		run_qemu_argv_free(argv);
		return NULL;
	}
	memcpy(argv + 3, prog, (size_t)argc * sizeof(*argv));
	return argv;
}

void run_qemu_argv_free(char **argv)
{
	if (!argv)
		return;
	for (int i = 0; i < 3; i++)
		free(argv[i]);
	free(argv);
}

void run_qemu_reserved_va(const mmusim_config *cfg, const char *arch, char buf[24])
{
	unsigned bits = mmusim_config_split_roots(cfg)	      ? mmusim_config_half_va_bits(cfg, false)
			: mmusim_config_va_sign_extended(cfg) ? mmusim_config_va_bits(cfg) - 1
							      : 64;
	/* Not x86_64: QEMU then cannot place the vsyscall page (0xffffffffff600000) and refuses to start. */
	bool wide = strcmp(arch, "riscv64") == 0 || strcmp(arch, "aarch64") == 0;

	buf[0] = '\0';
	if (wide && bits < 47)
		snprintf(buf, 24, "0x%llx", 1ull << bits);
}
