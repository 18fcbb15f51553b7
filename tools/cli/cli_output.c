/*
 * cli_output: files and standard output, written whole or reported (see
 * cli_output.h for the rules).
 */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_errors.h"

/*
 * True if path names the file st describes (following links).  "-" is standard
 * input: a regular file redirected there (mrc --csv t.trace - < t.trace) is an input too.
 */
static bool names_file(const char *path, const struct stat *st)
{
	struct stat in;

	if (!path)
		return false;
	if (strcmp(path, "-") == 0)
		return S_ISREG(st->st_mode) && fstat(STDIN_FILENO, &in) == 0 && in.st_dev == st->st_dev &&
		       in.st_ino == st->st_ino;
	return stat(path, &in) == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino;
}

static int refuse(const char *output, const char *input)
{
	return cli_usage_error("%s: is also an input (%s): choose another output file", output,
			       strcmp(input, "-") == 0 ? "standard input" : input);
}

int cli_output_check(const struct cli *cli, const char *output, const char *const *inputs, size_t n)
{
	struct stat out;

	/* An output that does not exist yet cannot be an input. */
	if (!output || strcmp(output, "-") == 0 || stat(output, &out) != 0)
		return EXIT_OK;
	for (size_t i = 0; i < n; i++)
		if (names_file(inputs[i], &out))
			return refuse(output, inputs[i]);
	if (names_file(cli->config, &out))
		return refuse(output, cli->config);
	if (names_file(cli->image, &out))
		return refuse(output, cli->image);
	if (names_file(cli->threads_map, &out))
		return refuse(output, cli->threads_map);
	for (int i = 0; i < cli->nr_setup; i++)
		if (!cli->setup[i].is_map && names_file(cli->setup[i].text, &out))
			return refuse(output, cli->setup[i].text);
	return EXIT_OK;
}

/*
 * True when two paths of files that do not exist name one: the same last name in
 * the same folder ("out.csv" and "./out.csv", "d/x" and "d//x").
 */
static bool same_new_place(const char *a, const char *b)
{
	const char *slash_a = strrchr(a, '/'), *slash_b = strrchr(b, '/');
	const char *na = slash_a ? slash_a + 1 : a, *nb = slash_b ? slash_b + 1 : b;
	char *da, *db;
	struct stat fa, fb;
	bool same;

	if (strcmp(na, nb) != 0 || !*na)
		return false;
	da = slash_a ? strndup(a, slash_a == a ? 1 : (size_t)(slash_a - a)) : strdup(".");
	db = slash_b ? strndup(b, slash_b == b ? 1 : (size_t)(slash_b - b)) : strdup(".");
	same = da && db && stat(da, &fa) == 0 && stat(db, &fb) == 0 && fa.st_dev == fb.st_dev &&
	       fa.st_ino == fb.st_ino;
	free(da);
	free(db);
	return same;
}

/*
 * Where a file that does not exist yet will be created: path, or the name the
 * dangling symbolic link at path leads to (relative to the link's folder), as
 * the output does.  NULL when out of memory.
 */
static char *where_created(const char *path)
{
	char *cur = strdup(path), link[PATH_MAX];
	struct stat st;

	for (int hops = 0; cur && hops <= 40 && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		ssize_t n = readlink(cur, link, sizeof(link) - 1);
		const char *slash = strrchr(cur, '/');
		size_t dir = slash ? (size_t)(slash - cur) + 1 : 0;
		char *next;

		if (n < 0)
			break;
		link[n] = '\0';
		if (link[0] == '/')
			dir = 0;
		if ((next = malloc(dir + (size_t)n + 1))) {
			memcpy(next, cur, dir);
			memcpy(next + dir, link, (size_t)n + 1);
		}
		free(cur);
		cur = next;
	}
	return cur;
}

/* True when the paths of two files that do not exist yet name one, followed through dangling links. */
static bool same_new_name(const char *path_a, const char *path_b)
{
	char *a = where_created(path_a), *b = where_created(path_b);
	bool same = a && b && same_new_place(a, b);

	free(a);
	free(b);
	return same;
}

bool cli_same_output(const char *a, const char *b)
{
	struct stat sa, sb;
	bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;

	/* A device or FIFO is written directly, not replaced: two outputs may share /dev/null. */
	if ((ea && !S_ISREG(sa.st_mode)) || (eb && !S_ISREG(sb.st_mode)))
		return false;
	return strcmp(a, b) == 0 || (ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) ||
	       (!ea && !eb && same_new_name(a, b));
}

int cli_outputs_distinct(const char *command, const char *const *options, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (paths[i] && paths[j] && strcmp(paths[i], "-") != 0 && strcmp(paths[j], "-") != 0 &&
			    cli_same_output(paths[i], paths[j]))
				return cli_usage_error("%s: %s and %s name the same file '%s': one would overwrite the other",
						       command, options[i], options[j], paths[j]);
	return EXIT_OK;
}

int cli_output_not_stdout(const char *command, const char *option, const char *path, const char *what,
			  const char *printed)
{
	struct stat ps, os;

	if (path && strcmp(path, "-") == 0)
		return cli_usage_error("%s: %s - would mix %s with the %s on standard output: give a file", command, option,
				       what, printed);
	/*
	 * The same file by another name (`dump --elf d.elf > d.elf`, /dev/stdout into a pipe):
	 * the output is written straight into it (output_file.h), and the report with it.
	 * A device (/dev/null, a terminal) holds nothing to spoil.
	 */
	if (path && stat(path, &ps) == 0 && !S_ISCHR(ps.st_mode) && !S_ISBLK(ps.st_mode) &&
	    fstat(STDOUT_FILENO, &os) == 0 && ps.st_dev == os.st_dev && ps.st_ino == os.st_ino)
		return cli_usage_error("%s: %s %s is standard output: it would mix %s with the %s printed there: give "
				       "another file", command, option, path, what, printed);
	return EXIT_OK;
}

int cli_output_open(const struct cli *cli, const char *path, const char *const *inputs, size_t n,
		    mmusim_output **out)
{
	mmusim_error err = { 0 };
	int rc;

	*out = NULL;
	if ((rc = cli_output_check(cli, path, inputs, n)) != EXIT_OK)
		return rc;
	if (mmusim_output_open(path, out, &err) != MMUSIM_OK)
		return cli_fail(&err);
	return EXIT_OK;
}

int cli_output_fail(const mmusim_error *err)
{
	fprintf(stderr, "mmusim: %s\n", err->message);
	/*
	 * Both are MMUSIM_EIO: "PATH: cannot create: ..." is a path that cannot be
	 * written (the user's to fix, like any bad argument), "PATH: write error:
	 * ..." bytes that did not make it (the disk's).
	 */
	return strstr(err->message, ": write error: ") ? EXIT_INTERNAL : EXIT_BAD_INPUT;
}

int cli_output_commit(mmusim_output *o)
{
	mmusim_error err = { 0 };

	if (mmusim_output_commit(o, &err) != MMUSIM_OK)
		return cli_output_fail(&err);
	return EXIT_OK;
}

int cli_output_finish(mmusim_output *o, int rc)
{
	if (rc == EXIT_OK)
		return cli_output_commit(o);
	mmusim_output_abort(o);
	return rc;
}

void cli_guard_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
}

int cli_stdout_finish(int rc)
{
	int e = 0;

	/* A write that failed earlier leaves the error flag set while the buffer may be empty again. */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		e = errno ? errno : EIO;
	/* EPIPE: the reader is gone (`| head`), nobody is left to tell; after another error, one line is enough. */
	if (!e || e == EPIPE || rc != EXIT_OK)
		return rc;
	fprintf(stderr, "mmusim: <stdout>: write error: %s\n", strerror(e));
	return EXIT_INTERNAL;
}

void cli_trace_warn(const mmusim_trace *t, const char *path)
{
	const char *w = t ? mmusim_trace_warning(t) : NULL;

	if (w)
		fprintf(stderr, "mmusim: %s: warning: %s\n", path, w);
}
