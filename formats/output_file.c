/*
 * output_file: write to a temporary file beside the target, rename it into
 * place only when every byte made it (see output_file.h for the rules).
 *
 * Why not mkstemp: it creates mode 0600, and the only ways to learn the
 * umask to widen that again change it for the whole process.  open(O_EXCL)
 * with mode 0666 gets the usual new-file mode from the kernel; the name's
 * random part only needs to avoid other writers in the same folder.
 *
 * Where the file system allows it (O_TMPFILE: ext4, xfs, btrfs, tmpfs), the
 * bytes go to an unnamed file in the target's folder, linked to a temporary
 * name only at commit, just before the rename: a run killed while writing
 * (Ctrl-C, SIGTERM, SIGKILL, a crash) leaves nothing behind, with no signal
 * handler and no list of files to clean.  The link goes through
 * /proc/self/fd (linkat with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH); with
 * no /proc, or no O_TMPFILE, the temporary file is named from the start.
 *
 * The stream is a stdio cookie stream over the descriptor rather than
 * fdopen: its write function keeps the errno of the first failed write, which
 * a later fflush no longer knows once stdio has dropped the failed buffer
 * ("No space left on device", not a bare "Input/output error").
 */
#define _GNU_SOURCE /* realpath, fopencookie */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEMP_TRIES 64

struct output_file {
	char *name;    /* as given, for messages */
	char *target;  /* what the rename replaces (a symlink's file) */
	char *temp;    /* NULL: written directly (stdout, a device or FIFO) */
	int fd;
	bool own_fd;   /* false for stdout */
	bool unnamed;  /* fd is an O_TMPFILE file: temp is only linked at commit */
	bool in_place; /* fd is the target itself, opened without truncating: its folder is not ours to write */
	FILE *stream;  /* over fd once asked for */
	int write_errno; /* of the stream's first failed write */
};

static void output_free(struct output_file *o)
{
	free(o->name);
	free(o->target);
	free(o->temp);
	free(o);
}

/* True if st is the file behind descriptor fd (our stdout or stderr redirected into it). */
static bool same_as_fd(const struct stat *st, int fd)
{
	struct stat fs;
	return fstat(fd, &fs) == 0 && fs.st_dev == st->st_dev && fs.st_ino == st->st_ino;
}

/*
 * "DIR/.BASE.XXXXXX" beside target; NULL when out of memory.  A BASE near NAME_MAX
 * leaves no room for the dot and the suffix: the temporary name takes its start.
 */
static char *temp_name(const char *target, uint64_t salt)
{
	const char *slash = strrchr(target, '/');
	size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
	size_t base_len = strlen(target + dir_len), len = strlen(target) + 2 + 1 + 12 + 1;
	char *t = malloc(len);

	if (base_len > NAME_MAX - 8)
		base_len = NAME_MAX - 8;
	if (t)
		snprintf(t, len, "%.*s.%.*s.%06llx", (int)dir_len, target, (int)base_len, target + dir_len,
			 (unsigned long long)(salt & 0xffffff));
	return t;
}

/* "/proc/self/fd/N": the path that links an unnamed file's descriptor. */
static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * An unnamed file in target's folder, if the file system and /proc allow
 * linking it later; -1 otherwise (the caller names the file from the start).
 */
static int open_unnamed(const char *target)
{
#ifdef O_TMPFILE
	const char *slash = strrchr(target, '/');
	char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
	char proc[32];
	struct stat st;
	int fd;

	if (!dir)
		return -1;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir);
	if (fd < 0)
		return -1;
	fd_path(fd, proc, sizeof(proc));
	if (stat(proc, &st) != 0) {
		close(fd);
		return -1;
	}
	return fd;
#else
	(void)target;
	return -1;
#endif
}

/*
 * Names a temporary file beside the target: creates it, or (link_fd) links
 * the unnamed file o->fd under it.  Returns 0 or the errno of the failure
 * (ENOMEM: out of memory); o->temp is NULL after a failed link.
 */
static int name_temp(struct output_file *o, bool link_fd)
{
	struct timespec now;
	uint64_t salt;
	char proc[32];
	int e = EEXIST;

	clock_gettime(CLOCK_REALTIME, &now);
	salt = (uint64_t)now.tv_nsec ^ (uint64_t)getpid() << 20 ^ (uint64_t)(uintptr_t)o;
	for (int i = 0; i < TEMP_TRIES && e == EEXIST; i++) {
		salt = salt * 6364136223846793005ull + 1442695040888963407ull; /* an LCG step: the next name */
		free(o->temp);
		if (!(o->temp = temp_name(o->target, salt >> 33)))
			return ENOMEM;
		if (link_fd) {
			fd_path(o->fd, proc, sizeof(proc));
			if (linkat(AT_FDCWD, proc, AT_FDCWD, o->temp, AT_SYMLINK_FOLLOW) == 0)
				return 0;
		} else if ((o->fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) >= 0) {
			return 0;
		}
		e = errno;
	}
	if (link_fd) {
		free(o->temp);
		o->temp = NULL;
	}
	return e;
}

/*
 * Where the symbolic link at path cur, whose text is link, leads: a relative
 * link from cur's own folder.  NULL when out of memory.
 */
static char *link_hop(const char *cur, const char *link)
{
	const char *slash = strrchr(cur, '/');
	size_t dir = link[0] != '/' && slash ? (size_t)(slash - cur) + 1 : 0, len = strlen(link);
	char *next = malloc(dir + len + 1);

	if (next) {
		memcpy(next, cur, dir);
		memcpy(next + dir, link, len + 1);
	}
	return next;
}

/*
 * The file a dangling symbolic link names, where `>` would create it (a
 * relative link is relative to its own folder); NULL when path is no link
 * or memory ran out.  Renaming over path itself would replace the link.
 */
static char *dangling_link_target(const char *path)
{
	char *cur = strdup(path), link[PATH_MAX];
	struct stat st;

	/* stat failed with ENOENT, so the chain ends at a missing name: at most 40 hops, as the kernel allows. */
	for (int hops = 0; cur && hops <= 40; hops++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			break;
		ssize_t n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			break;
		link[n] = '\0';
		char *next = link_hop(cur, link);
		free(cur);
		cur = next;
	}
	if (cur && strcmp(cur, path) == 0) {
		free(cur);
		return NULL;
	}
	return cur;
}

/*
 * False if the file at path, owned by owner, lies in a sticky world-writable
 * folder (/tmp) that belongs to someone else, and owner is neither us nor the
 * folder's owner: the kernel's fs.protected_symlinks and fs.protected_regular
 * rule for such a link or file.  False too when the folder cannot be read.
 */
static bool ours_or_unshared(const char *path, uid_t owner)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	struct stat dir_st;
	bool ok = dir && stat(dir, &dir_st) == 0;

	free(dir);
	return ok && !((dir_st.st_mode & S_ISVTX) && (dir_st.st_mode & S_IWOTH) && owner != geteuid() &&
		       owner != dir_st.st_uid);
}

/*
 * False if following the symbolic link at path, or any link it leads to, is
 * what the kernel's fs.protected_symlinks forbids `>`: a link in a sticky
 * world-writable folder (/tmp) owned neither by us nor by the folder's owner.
 * The rename below never follows a link, so it would bypass that rule, and a
 * link planted in /tmp would have the output replace any file it names.
 */
static bool links_may_be_followed(const char *path)
{
	char *cur = strdup(path), link[PATH_MAX];
	bool ok = cur != NULL;
	struct stat st;

	for (int hops = 0; ok && hops <= 40; hops++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			break;
		ok = ours_or_unshared(cur, st.st_uid);
		ssize_t n = ok ? readlink(cur, link, sizeof(link) - 1) : -1;
		if (n < 0)
			break;
		link[n] = '\0';
		char *next = link_hop(cur, link);
		free(cur);
		cur = next;
		ok = cur != NULL;
	}
	free(cur);
	return ok;
}

/*
 * False for another user's FIFO in a sticky world-writable folder: `>` opens
 * with O_CREAT, which fs.protected_fifos refuses there (even to root), and an
 * open without O_CREAT would slip past that rule.  A FIFO with no name of its
 * own (a pipe behind /dev/stdout) has no folder: it may be opened.
 */
static bool fifo_may_be_opened(const char *path, uid_t owner)
{
	char *real = realpath(path, NULL);
	bool ok = !real || ours_or_unshared(real, owner);

	free(real);
	return ok;
}

int output_file_open(const char *path, struct output_file **out, struct mm_error *err)
{
	struct output_file *o = calloc(1, sizeof(*o));
	bool is_stdout = strcmp(path, "-") == 0;
	struct stat st;
	bool exists;
	int rc, e;

	*out = NULL;
	if (!o || !(o->name = strdup(is_stdout ? "<stdout>" : path))) {
		free(o);
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	}
	o->fd = -1;
	if (is_stdout) {
		o->fd = STDOUT_FILENO;
		*out = o;
		return MM_OK;
	}
	exists = stat(path, &st) == 0;
	/* "" names no file: the temporary file would be created, and only the rename fail. */
	if (!exists && (errno == ELOOP || !*path)) {
		rc = mm_error_set(err, MM_EIO, "%s: cannot create: %s", path, strerror(errno));
		output_free(o);
		return rc;
	}
	if (exists && S_ISDIR(st.st_mode)) {
		output_free(o);
		return mm_error_set(err, MM_EIO, "%s: cannot create: %s", path, strerror(EISDIR));
	}
	/* Before any open: a device or FIFO reached through a planted link is no better a target. */
	if (!links_may_be_followed(path)) {
		output_free(o);
		return mm_error_set(err, MM_EIO, "%s: cannot create: %s (a symbolic link in a sticky world-writable "
				    "folder, owned by another user, is not followed)", path, strerror(EACCES));
	}
	if (exists && (!S_ISREG(st.st_mode) || same_as_fd(&st, STDOUT_FILENO) || same_as_fd(&st, STDERR_FILENO))) {
		/* Nothing to rename over: a device, a FIFO, or the file our own output already goes to. */
		if (S_ISFIFO(st.st_mode) && !fifo_may_be_opened(path, st.st_uid)) {
			output_free(o);
			return mm_error_set(err, MM_EIO, "%s: cannot create: %s (a FIFO in a sticky world-writable "
					    "folder, owned by another user, is not opened)", path, strerror(EACCES));
		}
		o->fd = open(path, O_WRONLY | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_APPEND : 0));
		if (o->fd < 0) {
			rc = mm_error_set(err, MM_EIO, "%s: cannot create: %s", path, strerror(errno));
			output_free(o);
			return rc;
		}
		o->own_fd = true;
		*out = o;
		return MM_OK;
	}
	/* As `>` would: a file we may not write (chmod a-w) is not replaced, though the rename needs only the folder. */
	if (exists && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0) {
		rc = mm_error_set(err, MM_EIO, "%s: cannot create: %s", path, strerror(errno));
		output_free(o);
		return rc;
	}
	/* A symbolic link to a file: replace the file, keep the link. */
	o->target = exists ? realpath(path, NULL) : dangling_link_target(path);
	if (!o->target && !(o->target = strdup(path))) {
		output_free(o);
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	}
	/*
	 * As `>` under fs.protected_regular: another user's file in /tmp (mode 0666, say) is
	 * not opened for us, even by root; the rename would put our own file in its place.
	 */
	if (exists && !ours_or_unshared(o->target, st.st_uid)) {
		rc = mm_error_set(err, MM_EIO, "%s: cannot create: %s (a file in a sticky world-writable folder, "
				  "owned by another user, is not replaced)", o->name, strerror(EACCES));
		output_free(o);
		return rc;
	}
	if ((o->fd = open_unnamed(o->target)) >= 0)
		o->unnamed = true;
	else if ((e = name_temp(o, false)) != 0 && exists && (e == EACCES || e == EPERM) &&
		 (o->fd = open(o->target, O_WRONLY | O_CLOEXEC)) >= 0) {
		/*
		 * A file we may write in a folder we may not (`>` writes it): nothing can be
		 * put beside it, so it is rewritten in place, truncated at commit to what was
		 * written, or emptied by a failure after the first byte.
		 */
		free(o->temp);
		o->temp = NULL;
		o->in_place = true;
	} else if (e != 0) {
		rc = e == ENOMEM ? mm_error_set(err, MM_ENOMEM, "out of memory")
				 : mm_error_set(err, MM_EIO, "%s: cannot create: %s", o->name, strerror(e));
		output_free(o);
		return rc;
	}
	o->own_fd = true;
	if (exists && !o->in_place) {
		/*
		 * As truncating in place would have kept them: the owner (root writing into a
		 * user's file left it root's, which the user could no longer write), else at
		 * least the group; then the mode, after the chown that clears set-id bits.
		 */
		if (fchown(o->fd, st.st_uid, st.st_gid) != 0 && fchown(o->fd, (uid_t)-1, st.st_gid) != 0) {
			/* not ours to give away: the file becomes ours, as any new file would */
		}
		(void)fchmod(o->fd, st.st_mode & 07777);
	}
	*out = o;
	return MM_OK;
}

int output_file_fd(const struct output_file *o)
{
	return o->fd;
}

/* The cookie stream's write: all of buf to the descriptor, or 0 (its error value; never negative) with the reason kept. */
static ssize_t stream_write(void *cookie, const char *buf, size_t len)
{
	struct output_file *o = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t k = write(o->fd, buf + done, len - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!o->write_errno)
				o->write_errno = k < 0 ? errno : EIO;
			return 0;
		}
		done += (size_t)k;
	}
	return (ssize_t)len;
}

FILE *output_file_stream(struct output_file *o)
{
	if (!o->stream)
		o->stream = o->own_fd ? fopencookie(o, "w", (cookie_io_functions_t){ .write = stream_write }) : stdout;
	return o->stream;
}

const char *output_file_name(const struct output_file *o)
{
	return o->name;
}

/*
 * Flushes and closes what o owns; returns 0 or the errno of the first failure.
 * With name_it, an unnamed file that was written whole is linked to o->temp first.
 */
static int close_output(struct output_file *o, bool name_it)
{
	int e = 0;

	if (o->stream) {
		/* A stream error set earlier is sticky; the flush may have nothing left to report it. */
		errno = 0;
		if (!name_it && o->in_place)
			__fpurge(o->stream); /* not written yet: the file keeps those bytes of its old contents */
		if (fflush(o->stream) != 0 || ferror(o->stream))
			e = o->write_errno ? o->write_errno : errno ? errno : EIO;
		if (o->own_fd && fclose(o->stream) != 0 && !e)
			e = o->write_errno ? o->write_errno : EIO;
		o->stream = NULL;
	}
	if (name_it && o->unnamed && !e)
		e = name_temp(o, true);
	if (o->in_place && o->fd >= 0) {
		/* The old contents past what was written go; a failure leaves no part that looks whole. */
		off_t end = lseek(o->fd, 0, SEEK_CUR);
		if (name_it && !e && (end < 0 || ftruncate(o->fd, end) != 0))
			e = errno;
		if ((!name_it || e) && end != 0 && ftruncate(o->fd, 0) != 0 && !e)
			e = errno;
	}
	if (o->own_fd && o->fd >= 0 && close(o->fd) != 0 && !e)
		e = errno;
	o->fd = -1;
	return e;
}

int output_file_commit(struct output_file *o, struct mm_error *err)
{
	int e = close_output(o, true), rc = MM_OK;

	if (!e && o->temp && rename(o->temp, o->target) != 0)
		e = errno;
	if (e) {
		rc = mm_error_set(err, MM_EIO, "%s: write error: %s", o->name, strerror(e));
		if (o->temp)
			unlink(o->temp);
	}
	output_free(o);
	return rc;
}

void output_file_abort(struct output_file *o)
{
	if (!o)
		return;
	close_output(o, false);
	if (o->temp)
		unlink(o->temp);
	output_free(o);
}
