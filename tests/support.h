/*
 * Test support shared by the suites: running the mmusim binary end to end and
 * writing temporary input files.
 */
#ifndef MMUSIM_TESTS_SUPPORT_H
#define MMUSIM_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

struct run_result {
	int status;   /* exit status, or 128 + signal number if it was killed */
	char *out;    /* everything written to stdout (NUL-terminated) */
	char *err;    /* everything written to stderr (NUL-terminated) */
};

/*
 * Runs MMUSIM_BIN with the NULL-terminated arguments (not including argv[0]),
 * stdin from /dev/null; fills *r.  Returns 0, or -1 if it could not run.
 */
int run_mmusim(struct run_result *r, ...);
/* Same with an argv array of argc strings. */
int run_mmusim_argv(struct run_result *r, int argc, const char *const *argv);
/*
 * Same under limits (0: none): at most max_memory bytes of address space
 * (RLIMIT_AS) and max_seconds of wall-clock time (then SIGALRM: status 142).
 */
int run_mmusim_limited(struct run_result *r, unsigned long long max_memory, unsigned max_seconds, int argc,
		       const char *const *argv);
void run_result_free(struct run_result *r);
/* Everything in fd from its start, NUL-terminated, malloc'd. */
char *support_read_fd(int fd);

/* The whole of a file, NUL-terminated and malloc'd; NULL if it cannot be opened. */
char *read_text_file(const char *path);

/* Writes `content` to a fresh temporary file (suffix e.g. ".yaml"); returns its malloc'd path. */
char *write_temp_file(const char *content, const char *suffix);
/* Writes len bytes (NULs included) to a fresh temporary file; returns its malloc'd path. */
char *write_temp_bytes(const void *data, size_t len);
/*
 * Makes stdin a pipe that a child process fills with data, `chunk` bytes per
 * write (a reader that stops early is fine); end with feed_stdin_end.
 */
int feed_stdin(const void *data, size_t len, size_t chunk);
/* Closes stdin (a writer still blocked gets EPIPE) and reaps the child. */
void feed_stdin_end(int pid);
/* Removes and frees a path from write_temp_file. */
void remove_temp_file(char *path);

/*
 * Starts MMUSIM_BIN with the NULL-terminated argv (argv[0] as given, or the
 * binary's path under a wrapper); returns only if it could not.  Under tests/valgrind.sh a suite
 * that only drives the binary runs natively and the binary under memcheck, through
 * the wrapper named by MMUSIM_TEST_WRAPPER: a test starts the binary this way, or
 * through mmusim_command() in a shell command, for memcheck to see it.
 */
void exec_mmusim(const char *const *argv);
/* The binary as a shell command's first words, quoted (with its wrapper, if any). */
const char *mmusim_command(void);

/* valgrind is installed and usable: not when this process itself runs under valgrind
 * (tests/valgrind.sh), where `mmusim run` would start valgrind under valgrind. */
bool valgrind_usable(void);
/*
 * Whether this test, or the binary it starts, runs under Valgrind
 * (tests/valgrind.sh): a test of speed on a large input checks its memory on a
 * small one there, where the same code runs 20-50 times slower.
 */
bool running_under_valgrind(void);

#endif
