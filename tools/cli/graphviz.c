/* graphviz: finds `dot` on PATH and feeds it DOT text through a pipe. */
#define _POSIX_C_SOURCE 200809L
#include "graphviz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
			struct stat st;
			/* As execvp finds it: a folder named dot (mode 0755) is no program. */
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
				return true;
		}
		path += n + (path[n] == ':');
	}
	return false;
}

/* All of buf to fd; 0 or the errno of the failure. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Feeds dot the DOT text on to_dot and copies its SVG from from_dot to out_fd,
 * both at once (neither side blocks the other).  Closes both descriptors;
 * returns 0 or the errno of the first failed write to out_fd (the rest of the
 * SVG is then read and dropped, so that dot can finish).
 */
static int pump(int to_dot, int from_dot, const char *dot, size_t len, int out_fd)
{
	struct pollfd p[2] = { { .fd = to_dot, .events = POLLOUT }, { .fd = from_dot, .events = POLLIN } };
	char buf[65536];
	size_t off = 0;
	int e = 0;

	fcntl(to_dot, F_SETFL, fcntl(to_dot, F_GETFL) | O_NONBLOCK);
	if (!len) {
		close(to_dot);
		p[0].fd = -1;
	}
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].fd >= 0 && p[0].revents) {
			ssize_t n = write(to_dot, dot + off, len - off);
			if (n > 0)
				off += (size_t)n;
			/* EPIPE: dot exited early; its exit status says why. */
			if (off == len || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(to_dot);
				p[0].fd = -1;
			}
		}
		if (p[1].fd >= 0 && p[1].revents) {
			ssize_t n = read(from_dot, buf, sizeof(buf));
			if (n > 0 && !e)
				e = write_all(out_fd, buf, (size_t)n);
			if (n == 0 || (n < 0 && errno != EINTR)) {
				close(from_dot);
				p[1].fd = -1;
			}
		}
	}
	if (p[0].fd >= 0)
		close(to_dot);
	if (p[1].fd >= 0)
		close(from_dot);
	return e;
}

int graphviz_render_svg(const char *dot, size_t len, int out_fd, const char *name, mmusim_error *err)
{
	int to_dot[2], from_dot[2], status, e;
	pid_t pid;

	if (!graphviz_available())
		return cli_set_error(err, MMUSIM_EINVAL, "--svg needs Graphviz's 'dot' on PATH "
				    "(apt-get install graphviz), or use --dot and render it elsewhere");
	if (pipe(to_dot) != 0)
		return cli_set_error(err, MMUSIM_EIO, "cannot run dot: %s", strerror(errno));
	if (pipe(from_dot) != 0) {
		e = errno;
		close(to_dot[0]);
		close(to_dot[1]);
		return cli_set_error(err, MMUSIM_EIO, "cannot run dot: %s", strerror(e));
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		for (int i = 0; i < 2; i++) {
			close(to_dot[i]);
			close(from_dot[i]);
		}
		return cli_set_error(err, MMUSIM_EIO, "cannot run dot: %s", strerror(e));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(to_dot[0], 0);
		dup2(from_dot[1], 1);
		if (null >= 0)
			dup2(null, 2);
		for (int i = 0; i < 2; i++) {
			close(to_dot[i]);
			close(from_dot[i]);
		}
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(to_dot[0]);
	close(from_dot[1]);
	/* dot may exit early: do not die of SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	/*
	 * The SVG comes back through a pipe and we write it, rather than dot
	 * writing out_fd itself: a full disk is then our own write error, with
	 * its errno, where dot only tells an exit status.
	 */
	e = pump(to_dot[1], from_dot[0], dot, len, out_fd);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cli_set_error(err, MMUSIM_EIO, "cannot wait for dot: %s", strerror(errno));
	if (e)
		return cli_set_error(err, MMUSIM_EIO, "%s: write error: %s", name, strerror(e));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		/* The DOT is ours and well-formed: dot itself failed. */
		return cli_set_error(err, MMUSIM_EIO, "%s: write error: dot -Tsvg failed (exit status %d)", name,
				    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return MMUSIM_OK;
}
