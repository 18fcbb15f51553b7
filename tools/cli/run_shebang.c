#define _GNU_SOURCE /* strndup */
#include "run_shebang.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"

/* Linux reads at most this much of the first line (BINPRM_BUF_SIZE). */
#define SHEBANG_MAX 256

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The file's first bytes, NUL-terminated at the first newline; 0 if it cannot be read. */
static size_t first_line(const char *path, char *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, SHEBANG_MAX - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *nl = memchr(buf, '\n', n);
	if (nl)
		*nl = '\0';
	return n;
}

/*
 * `#!/usr/bin/env NAME`: env would look NAME up in PATH and exec it, and the
 * trace would stop at that execve, having traced env alone.  So NAME, as
 * PATH finds it, is the interpreter.  env with options (`-S ...`) or
 * assignments is kept as it is.
 */
static void resolve_env(char **interp, char **arg)
{
	const char *base = strrchr(*interp, '/') ? strrchr(*interp, '/') + 1 : *interp;
	const char *path = getenv("PATH");

	if (strcmp(base, "env") != 0 || !*arg || (*arg)[0] == '-' || strchr(*arg, '=') || strchr(*arg, ' ') ||
	    strchr(*arg, '\t'))
		return;
	if (strchr(*arg, '/')) { /* env runs a NAME with a slash as it is, as execvp does */
		free(*interp);
		*interp = *arg;
		*arg = NULL;
		return;
	}
	for (const char *dir = path ? path : "/bin:/usr/bin";;) {
		size_t n = strcspn(dir, ":");
		char *full = NULL;
		if (asprintf(&full, "%.*s/%s", n ? (int)n : 1, n ? dir : ".", *arg) < 0)
			return;
		if (access(full, X_OK) == 0) {
			free(*interp);
			free(*arg);
			*interp = full;
			*arg = NULL;
			return;
		}
		free(full);
		if (!dir[n])
			return;
		dir += n + 1;
	}
}

int run_shebang(const char *path, char **interp, char **arg, mmusim_error *err)
{
	char line[SHEBANG_MAX], inner[SHEBANG_MAX];

	*interp = *arg = NULL;
	if (first_line(path, line) < 2 || line[0] != '#' || line[1] != '!')
		return MMUSIM_OK;
	char *p = line + 2, *end = p + strlen(p);
	while (is_blank(*p))
		p++;
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;
	*end = '\0';
	size_t n = strcspn(p, " \t");
	if (n == 0)
		return cli_set_error(err, MMUSIM_EINVAL, "run: cannot run '%s': its '#!' line names no interpreter", path);
	char *rest = p + n;
	while (is_blank(*rest))
		rest++;
	if (!(*interp = strndup(p, n)) || (*rest && !(*arg = strdup(rest)))) {
		free(*interp);
		*interp = NULL;
		return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	}
	resolve_env(interp, arg);
	if (access(*interp, X_OK) != 0) {
		cli_set_error(err, MMUSIM_EINVAL, "run: cannot run '%s': its interpreter '%s': %s", path, *interp,
			      strerror(errno));
	} else if (first_line(*interp, inner) >= 2 && inner[0] == '#' && inner[1] == '!') {
		cli_set_error(err, MMUSIM_EINVAL,
			      "run: cannot run '%s': its interpreter '%s' is a '#!' script too (qemu-user loads ELF programs only)",
			      path, *interp);
	} else {
		return MMUSIM_OK;
	}
	free(*interp);
	free(*arg);
	*interp = *arg = NULL;
	return MMUSIM_EINVAL;
}
