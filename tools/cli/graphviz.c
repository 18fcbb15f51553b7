/* graphviz: finds `dot` on PATH and feeds it DOT text through a pipe. */
#define _POSIX_C_SOURCE 200809L
#include "graphviz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_errors.h"

bool graphviz_available(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path || !*path)
		return false;
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n && n + 5 < sizeof(buf)) {
			memcpy(buf, path, n);
			memcpy(buf + n, "/dot", 5);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n + (path[n] == ':');
	}
	return false;
}

int graphviz_render_svg(const char *dot, size_t len, int out_fd, const char *name, mmusim_error *err)
{
	int fds[2], status;
	pid_t pid;

	if (!graphviz_available())
		return cli_set_error(err, MMUSIM_EINVAL, "--svg needs Graphviz's 'dot' on PATH "
				    "(apt-get install graphviz), or use --dot and render it elsewhere");
	if (pipe(fds) != 0)
		return cli_set_error(err, MMUSIM_EIO, "cannot run dot: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cli_set_error(err, MMUSIM_EIO, "cannot run dot: %s", strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(fds[0], 0);
		dup2(out_fd, 1);
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		close(fds[1]);
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* dot may exit early (say, an unwritable output): do not die of SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fds[1], dot + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cli_set_error(err, MMUSIM_EIO, "cannot wait for dot: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		/* The DOT is ours and well-formed: dot fails on its output (a full disk, say). */
		return cli_set_error(err, MMUSIM_EIO, "%s: write error: dot -Tsvg failed (exit status %d)", name,
				    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return MMUSIM_OK;
}
