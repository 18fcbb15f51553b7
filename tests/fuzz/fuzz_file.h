/*
 * fuzz_file: hands a fuzz input to an API that only takes a path.
 *
 * trace_reader_open() and image_open() open a path, so each input is written
 * to an anonymous memory file (memfd_create) and the API is given
 * "/proc/self/fd/N".  The memfd is created once per process and rewritten on
 * every iteration (truncated, then filled): no disk traffic, nothing left
 * behind, and parallel fuzzer processes (-jobs, -fork) each get their own.
 * The callers mmap the file; they must close it before the next rewrite,
 * since a file that shrinks under a live mapping raises SIGBUS.
 *
 * This is the only mutable global state of the fuzz targets (the memfd and
 * its path, set up on first use), as libFuzzer's one-input-at-a-time model
 * allows.  Header-only: each target is a single translation unit.
 */
#ifndef MMUSIM_TESTS_FUZZ_FUZZ_FILE_H
#define MMUSIM_TESTS_FUZZ_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to the per-process memfd and returns its path; aborts on host failure. */
static const char *fuzz_file_put(const uint8_t *data, size_t size)
{
	static int fd = -1;        /* created once, reused by every iteration */
	static char path[64];      /* "/proc/self/fd/N" for fd */
	size_t done = 0;

	if (fd < 0) {
		fd = memfd_create("mmusim-fuzz", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0) {
		perror("ftruncate");
		abort();
	}
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n <= 0) {
			perror("pwrite");
			abort();
		}
		done += (size_t)n;
	}
	return path;
}

#endif
