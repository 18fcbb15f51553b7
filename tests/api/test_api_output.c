/*
 * The public API's output files (mmusim_output_*, the trace writer's end
 * record and abort, mmusim_trace_warning) through the shared library.  The
 * rules come from include/mmusim.h (and mmusim_compressor's by-name codecs): a file appears whole or not at all; on
 * any error the target keeps what it held; a new file is 0666 less the umask.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <mmusim.h>

#include "temp_dir.h"

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The file's text (at most 255 bytes), "" if it is absent. */
static const char *file_text(const char *path, char buf[256])
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, 255, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

Test(output, appears_only_on_commit_with_the_usual_mode)
{
	char *dir = temp_dir_create(), *path = temp_dir_path(dir, "out.csv"), buf[256];
	mmusim_output *o;
	mmusim_error err = { 0 };
	struct stat st;

	umask(027);
	cr_assert_eq(mmusim_output_open(path, &o, &err), MMUSIM_OK, "%s", err.message);
	fputs("a,b\n", mmusim_output_stream(o));
	cr_expect_neq(access(path, F_OK), 0, "nothing under the name before the commit");
	/* The bytes are in an unnamed O_TMPFILE file, or a temporary one beside it where the file system has none. */
	cr_expect_leq(temp_dir_count(dir), 1, "at most one temporary file beside it");
	cr_assert_eq(mmusim_output_commit(o, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_str_eq(file_text(path, buf), "a,b\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640, "0666 less the umask 027, got %o", st.st_mode & 0777);
	cr_expect_eq(temp_dir_count(dir), 1);
	free(path);
	temp_dir_remove(dir);
}

Test(output, existing_file_keeps_its_mode_and_abort_keeps_it_all)
{
	char *dir = temp_dir_create(), *path = temp_dir_path(dir, "out.csv"), buf[256];
	mmusim_output *o;
	struct stat st;

	put_file(path, "old\n");
	cr_assert_eq(chmod(path, 0604), 0);
	cr_assert_eq(mmusim_output_open(path, &o, NULL), MMUSIM_OK);
	fputs("half of a new fi", mmusim_output_stream(o));
	mmusim_output_abort(o);
	cr_expect_str_eq(file_text(path, buf), "old\n");
	cr_expect_eq(temp_dir_count(dir), 1, "the temporary file is gone");

	cr_assert_eq(mmusim_output_open(path, &o, NULL), MMUSIM_OK);
	fputs("new\n", mmusim_output_stream(o));
	cr_assert_eq(mmusim_output_commit(o, NULL), MMUSIM_OK);
	cr_expect_str_eq(file_text(path, buf), "new\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0604, "kept, as truncating in place would, got %o", st.st_mode & 0777);
	free(path);
	temp_dir_remove(dir);
}

/* A write that fails (here: the file size limit) leaves the old file whole and no temporary file. */
Test(output, failed_write_leaves_the_target_alone)
{
	char *dir = temp_dir_create(), *path = temp_dir_path(dir, "big.bin"), buf[256], want[512];
	struct rlimit lim = { 65536, 65536 };
	mmusim_output *o;
	mmusim_error err = { 0 };
	static char block[8192];

	put_file(path, "old\n");
	signal(SIGXFSZ, SIG_IGN); /* a write past the limit then fails with EFBIG */
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	cr_assert_eq(mmusim_output_open(path, &o, &err), MMUSIM_OK, "%s", err.message);
	for (int i = 0; i < 32; i++)
		fwrite(block, 1, sizeof(block), mmusim_output_stream(o));
	cr_expect_eq(mmusim_output_commit(o, &err), MMUSIM_EIO);
	snprintf(want, sizeof(want), "%s: write error: File too large", path);
	cr_expect_str_eq(err.message, want);
	cr_expect_str_eq(file_text(path, buf), "old\n");
	cr_expect_eq(temp_dir_count(dir), 1, "no temporary file left behind");
	free(path);
	temp_dir_remove(dir);
}

Test(output, symlink_stays_a_link_and_devices_are_written_directly)
{
	char *dir = temp_dir_create(), *file = temp_dir_path(dir, "real.txt"), *link = temp_dir_path(dir, "link.txt"), buf[256];
	mmusim_output *o;
	mmusim_error err = { 0 };
	struct stat st;

	put_file(file, "old\n");
	cr_assert_eq(symlink("real.txt", link), 0);
	cr_assert_eq(mmusim_output_open(link, &o, NULL), MMUSIM_OK);
	fputs("new\n", mmusim_output_stream(o));
	cr_assert_eq(mmusim_output_commit(o, NULL), MMUSIM_OK);
	cr_assert_eq(lstat(link, &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the link is still a link");
	cr_expect_str_eq(file_text(file, buf), "new\n");

	/* /dev/null cannot be renamed over, and must not be */
	cr_assert_eq(mmusim_output_open("/dev/null", &o, NULL), MMUSIM_OK);
	fputs("gone\n", mmusim_output_stream(o));
	cr_expect_eq(mmusim_output_commit(o, NULL), MMUSIM_OK);
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_expect(S_ISCHR(st.st_mode));
	if (access("/dev/full", W_OK) == 0) {
		cr_assert_eq(mmusim_output_open("/dev/full", &o, NULL), MMUSIM_OK);
		fputs("lost\n", mmusim_output_stream(o));
		cr_expect_eq(mmusim_output_commit(o, &err), MMUSIM_EIO);
		cr_expect_str_eq(err.message, "/dev/full: write error: No space left on device");
	}
	cr_expect_eq(mmusim_output_open("/nonexistent/x.csv", &o, &err), MMUSIM_EIO);
	cr_expect_null(o);
	cr_expect_str_eq(err.message, "/nonexistent/x.csv: cannot create: No such file or directory");
	cr_expect_eq(mmusim_output_open(dir, &o, &err), MMUSIM_EIO);
	cr_expect(strstr(err.message, ": cannot create: Is a directory") != NULL, "%s", err.message);
	mmusim_output_abort(NULL);
	cr_expect_eq(mmusim_output_commit(NULL, NULL), MMUSIM_OK);
	free(file);
	free(link);
	temp_dir_remove(dir);
}

static const mmusim_event events[] = {
	{ .op = MMUSIM_EV_MAP, .va = 0x400000, .pa = 0x200000, .len = 0x2000, .flags = MMUSIM_PROP_R | MMUSIM_PROP_U },
	{ .op = MMUSIM_EV_ACCESS, .access = MMUSIM_READ, .va = 0x400010, .size = 8 },
	{ .op = MMUSIM_EV_ACCESS, .access = MMUSIM_EXEC, .va = 0x401000, .size = 4 },
};

/* The writer ends every trace with the end record: 0x8f and the record count (3, one byte). */
Test(output, trace_writer_end_record_and_abort)
{
	char *dir = temp_dir_create(), *path = temp_dir_path(dir, "t.bin"), buf[256];
	mmusim_trace_writer *w;
	mmusim_trace *t;
	mmusim_event ev[8];
	mmusim_error err = { 0 };
	unsigned char bytes[64];
	size_t len;
	FILE *f;

	cr_assert_eq(mmusim_trace_writer_open(path, &w, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_writer_put(w, events, 3, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_writer_close(w, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_not_null(f = fopen(path, "rb"));
	len = fread(bytes, 1, sizeof(bytes), f);
	fclose(f);
	cr_assert_gt(len, 18);
	cr_expect_eq(bytes[12], 1, "flags: bit 0, the file ends with an end record");
	cr_expect_eq(bytes[len - 2], 0x8f);
	cr_expect_eq(bytes[len - 1], 3);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_next(t, ev, 8, &err), 3);
	cr_expect_eq(mmusim_trace_next(t, ev, 8, &err), 0);
	cr_expect_null(mmusim_trace_warning(t));
	mmusim_trace_close(t);

	/* the same bytes without flag and end record: a trace from before end records */
	bytes[12] = 0;
	cr_assert_not_null(f = fopen(path, "wb"));
	fwrite(bytes, 1, len - 2, f);
	fclose(f);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_next(t, ev, 8, &err), 3);
	cr_expect_eq(mmusim_trace_next(t, ev, 8, &err), 0);
	cr_expect_str_eq(mmusim_trace_warning(t),
			 "no end record: the trace may be truncated (a binary trace from before end records)");
	mmusim_trace_close(t);

	/* abort: the file that had the name stays as it was */
	put_file(path, "keep\n");
	cr_assert_eq(mmusim_trace_writer_open(path, &w, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_writer_put(w, events, 3, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_writer_abort(w);
	mmusim_trace_writer_abort(NULL);
	cr_expect_str_eq(file_text(path, buf), "keep\n");
	cr_expect_eq(temp_dir_count(dir), 1);
	free(path);
	temp_dir_remove(dir);
}

/* mmusim_dump_elf goes the same way: a dump that cannot be finished leaves the old file. */
Test(output, failed_elf_dump_leaves_the_target_alone)
{
	char *dir = temp_dir_create(), *path = temp_dir_path(dir, "mem.elf"), buf[256];
	struct rlimit lim = { 4096, 4096 };
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	put_file(path, "old\n");
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	/* the empty machine still has its two top-level tables: two 4 KiB frames, more than the limit */
	cr_expect_eq(mmusim_dump_elf(m, path, &err), MMUSIM_EIO);
	cr_expect(strstr(err.message, ": write error: File too large") != NULL, "%s", err.message);
	cr_expect_str_eq(file_text(path, buf), "old\n");
	cr_expect_eq(temp_dir_count(dir), 1, "no temporary file left behind");
	mmusim_machine_destroy(m);
	free(path);
	temp_dir_remove(dir);
}

/*
 * mmusim_compressor: a ".gz" name gives a gzip stream (RFC 1952's magic 1f 8b)
 * that zlib reads back as what was written; another name writes the bytes
 * as they come.  The descriptor stays the caller's.
 */
Test(compressor, gzip_by_name_and_plain_otherwise)
{
	char *dir = temp_dir_create(), *gz = temp_dir_path(dir, "t.gz"), *txt = temp_dir_path(dir, "t.txt"),
	     buf[256];
	static const char text[] = "hello, compressed world\n";
	unsigned char back[64] = { 0 };
	int fd = open(gz, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	mmusim_compressor *c;

	cr_assert_geq(fd, 0);
	cr_assert_not_null((c = mmusim_compressor_open(gz, fd)));
	cr_expect(mmusim_compressor_write(c, text, 10));
	cr_expect(mmusim_compressor_write(c, text + 10, sizeof(text) - 11));
	cr_expect(mmusim_compressor_finish(c));
	cr_expect_eq(close(fd), 0);
	gzFile z = gzopen(gz, "rb");
	cr_assert_not_null(z);
	cr_expect_eq(gzread(z, back, sizeof(back)), (int)sizeof(text) - 1);
	gzclose(z);
	cr_expect_str_eq((char *)back, text);
	FILE *f = fopen(gz, "rb");
	cr_assert_not_null(f);
	cr_expect_eq(fread(back, 1, 2, f), 2u);
	fclose(f);
	cr_expect(back[0] == 0x1f && back[1] == 0x8b);

	fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_not_null((c = mmusim_compressor_open(txt, fd)));
	cr_expect(mmusim_compressor_write(c, text, sizeof(text) - 1));
	cr_expect(mmusim_compressor_finish(c));
	cr_expect_eq(close(fd), 0);
	cr_expect_str_eq(file_text(txt, buf), text);
	mmusim_compressor_free(NULL);
	free(gz);
	free(txt);
	temp_dir_remove(dir);
}
