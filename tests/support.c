#define _DEFAULT_SOURCE /* mkstemps */
/* Test support: runs the mmusim binary with output captured in temporary files. */
#include "support.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

char *support_read_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	return buf;
}

char *read_text_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *text;

	if (fd < 0)
		return NULL;
	text = support_read_fd(fd);
	close(fd);
	return text;
}

static int temp_fd(void)
{
	char path[] = "/tmp/mmusim-test-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int run_mmusim_argv(struct run_result *r, int argc, const char *const *argv)
{
	return run_mmusim_limited(r, 0, 0, argc, argv);
}

int run_mmusim_limited(struct run_result *r, unsigned long long max_memory, unsigned max_seconds, int argc,
		       const char *const *argv)
{
	int out = temp_fd(), err = temp_fd();
	const char **args = calloc((size_t)argc + 2, sizeof(*args));
	pid_t pid;
	int status;

	memset(r, 0, sizeof(*r));
	if (out < 0 || err < 0 || !args)
		return -1;
	args[0] = MMUSIM_BIN;
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (max_memory) {
			struct rlimit lim = { max_memory, max_memory };
			setrlimit(RLIMIT_AS, &lim);
		}
		if (max_seconds)
			alarm(max_seconds); /* survives exec: SIGALRM ends a run that hangs */
		exec_mmusim(args);
		_exit(127);
	}
	free(args);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = support_read_fd(out);
	r->err = support_read_fd(err);
	close(out);
	close(err);
	return 0;
}

int run_mmusim(struct run_result *r, ...)
{
	const char *argv[64];
	int argc = 0;
	va_list ap;
	const char *a;

	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 64)
		argv[argc++] = a;
	va_end(ap);
	return run_mmusim_argv(r, argc, argv);
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *write_temp_file(const char *content, const char *suffix)
{
	char *path = malloc(64);
	int fd;

	snprintf(path, 64, "/tmp/mmusim-test-XXXXXX%s", suffix ? suffix : "");
	fd = mkstemps(path, suffix ? (int)strlen(suffix) : 0);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	if (write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
		close(fd);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

void remove_temp_file(char *path)
{
	if (path)
		unlink(path);
	free(path);
}

char *write_temp_bytes(const void *data, size_t len)
{
	char *path = strdup("/tmp/mmusim-test-XXXXXX");
	const char *p = data;
	int fd = path ? mkstemp(path) : -1;

	if (fd < 0) {
		free(path);
		return NULL;
	}
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k <= 0)
			break;
		p += k;
		len -= (size_t)k;
	}
	close(fd);
	return path;
}

int feed_stdin(const void *data, size_t len, size_t chunk)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const char *p = data;
		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		while (len > 0) {
			ssize_t k = write(fds[1], p, len < chunk ? len : chunk);
			if (k <= 0)
				_exit(0); /* the reader stopped early */
			p += k;
			len -= (size_t)k;
		}
		_exit(0);
	}
	close(fds[1]);
	if (fds[0] != STDIN_FILENO) { /* stdin may have been closed by an earlier feed_stdin_end */
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
	}
	return pid;
}

void feed_stdin_end(int pid)
{
	close(STDIN_FILENO);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* tests/valgrind.sh's wrapper that starts the binary under memcheck, or NULL. */
static const char *mmusim_wrapper(void)
{
	const char *wrapper = getenv("MMUSIM_TEST_WRAPPER");

	return wrapper && *wrapper ? wrapper : NULL;
}

void exec_mmusim(const char *const *argv)
{
	const char *wrapper = mmusim_wrapper();
	size_t argc = 0;
	const char **args;

	if (!wrapper) {
		execv(MMUSIM_BIN, (char *const *)argv);
		return;
	}
	while (argv[argc])
		argc++;
	args = calloc(argc + 2, sizeof(*args));
	if (!args)
		return;
	args[0] = wrapper;
	args[1] = MMUSIM_BIN;
	for (size_t i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	execv(wrapper, (char *const *)args);
	free(args);
}

const char *mmusim_command(void)
{
	static char command[8192];
	const char *wrapper = mmusim_wrapper();

	/* Single quotes: a checkout's path may hold spaces (the paths hold no quote). */
	snprintf(command, sizeof(command), "%s%s%s'%s'", wrapper ? "'" : "", wrapper ? wrapper : "",
		 wrapper ? "' " : "", MMUSIM_BIN);
	return command;
}

bool running_under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return (preload && strstr(preload, "vgpreload")) || mmusim_wrapper();
}

bool valgrind_usable(void)
{
	if (running_under_valgrind())
		return false;
	return system("valgrind --version >/dev/null 2>&1") == 0;
}
