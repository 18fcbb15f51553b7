/*
 * test_shell: `mmusim shell`, driven through a pipe (scripted demos: no
 * prompts, output to the byte, exit status 2 when a command failed) and
 * through a pseudo-terminal (libedit: prompt, tab completion of command names,
 * history recall, the answer).  The demo runs on the toy preset, whose numbers
 * can be checked by hand: VA 0x45 in the 64-byte page mapped at 0x40 -> PA
 * 0x1240 + 0x5; VA 0x815 in the 2 KiB page at 0x800 -> PA 0x2000 + 0x15.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define GOLDEN MMUSIM_SOURCE_DIR "/tests/golden/"

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *s;

	cr_assert(fd >= 0, "cannot open %s", path);
	s = support_read_fd(fd);
	close(fd);
	return s;
}

/* Runs `mmusim ARGV...` with stdin from the len bytes at input; fills out/err, returns the exit status. */
static int run_piped_argv(const void *input, size_t len, char *const argv[], char **out, char **err)
{
	char *in_path = write_temp_bytes(input, len);
	FILE *o = tmpfile(), *e = tmpfile();
	int status;
	pid_t pid = fork();

	cr_assert(pid >= 0 && o && e);
	if (pid == 0) {
		int in = open(in_path, O_RDONLY);
		dup2(in, 0);
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		exec_mmusim((const char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	*out = support_read_fd(fileno(o));
	*err = support_read_fd(fileno(e));
	fclose(o);
	fclose(e);
	remove_temp_file(in_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* `mmusim --config toy shell` with stdin from the len bytes at input. */
static int run_piped_bytes(const void *input, size_t len, char **out, char **err)
{
	char *const argv[] = { "mmusim", "--config", "toy", "shell", NULL };

	return run_piped_argv(input, len, argv, out, err);
}

static int run_piped(const char *input, char **out, char **err)
{
	return run_piped_bytes(input, strlen(input), out, err);
}

/*
 * The OS layer in the shell (x86_64, two resident pages, fifo): each access
 * says what the OS did.  Writes to 0x400000, 0x401000 fill both frames; the
 * write to 0x402000 evicts the first-loaded page, dirty, to swap slot 0,
 * which mappings lists and explain names; reading it again is a major fault; a
 * touch outside the region a segmentation fault.
 */
Test(shell_pipe, os_layer_notes_and_marks)
{
	char *const limited[] = { "mmusim", "shell", "--resident-pages", "2", NULL };
	char *const plain[] = { "mmusim", "shell", NULL };
	char *const opt[] = { "mmusim", "shell", "--replacement", "opt", NULL };
	static const char swap_script[] = "mmap 0x400000 0x4000 rwu\nw 0x400000\nw 0x401000\nw 0x402000\nmappings\n"
					  "explain 0x400000\nr 0x400000\nr 0x999000\n";
	/* A fork, a write to a shared page, then `exit 1` ends the child only; `exit` ends the session. */
	static const char cow_script[] = "mmap 0x400000 0x2000 rwu\nw 0x400000\nfork 1\nmappings\nw 0x400000\n"
					 "exit 1\nr 0x401000\nexit\nr 0x400000\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(swap_script, strlen(swap_script), limited, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "  os: evicted 1 page(s) for a frame, 1 written to swap\n"), "%s", out);
	cr_expect(strstr(out, "0x400000 0x401000 swapped out (swap slot 0)\n"), "%s", out);
	cr_expect(strstr(out, "os: the page is out in swap (slot 0): a touch is a major fault\n"), "%s", out);
	cr_expect(strstr(out, "  os: major page fault: the page came back from swap\n"), "%s", out);
	cr_expect(strstr(out, "  os: segmentation fault: outside every region of asid 0\n"), "%s", out);
	free(out);
	free(err);

	cr_assert_eq(run_piped_argv(cow_script, strlen(cow_script), plain, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, " r--u- (4K page, level 1) copy-on-write\n"), "%s", out);
	cr_expect(strstr(out, "  os: copy-on-write fault: the page copied into a frame of this process's own\n"), "%s",
		  out);
	cr_expect(strstr(out, "0x401000 r user: "), "exit 1 must not end the session: %s", out);
	cr_expect(strstr(out, "0x400000 r user: ") == NULL, "exit must: %s", out);
	free(out);
	free(err);

	cr_assert_eq(run_piped_argv("", 0, opt, &out, &err), 2);
	cr_expect_str_eq(err, "mmusim: shell: --replacement opt needs the whole future of a trace; the shell has none\n");
	free(out);
	free(err);
}

/*
 * A pipe's lines are bounded as trace lines are (65536 bytes, no NUL): the commands before
 * the bad line run, then one error names its line, exit 2 — /dev/zero or a binary file
 * cannot make the shell grow or spin.
 */
/*
 * An access the OS side cannot serve is an error with its line, not a result:
 * 64 KiB of memory is 16 frames, so demand paging of 20 pages runs out at
 * the 12th (the table takes the rest); the shell printed "fault none at level 0 ... a cached
 * entry" for such an access, as if a TLB had answered.
 */
Test(shell_pipe, access_that_fails_is_an_error_with_its_line)
{
	char *cfg = write_temp_file("extends: x86_64\nmemory: { size: 64K }\n", ".yaml");
	char *const argv[] = { "mmusim", "--config", cfg, "shell", "--demand-paging", NULL };
	char input[512] = "";
	char *out, *err;

	for (unsigned page = 1; page <= 20; page++)
		snprintf(input + strlen(input), sizeof(input) - strlen(input), "r 0x%x\n", page << 16);
	cr_expect_eq(run_piped_argv(input, strlen(input), argv, &out, &err), 2);
	cr_expect(strstr(out, "fault none") == NULL, "%s", out);
	cr_expect(strstr(err, "mmusim: stdin:12: demand paging 0xc0000: out of physical memory (16 frames of 4096 "
			      "bytes in use)\n") == err, "%s", err);
	free(out);
	free(err);
	remove_temp_file(cfg);
}

/*
 * A VA wider than a 32-bit machine's addresses is refused, line by line, as
 * translate refuses it (cli/va_beyond_a_32_bit_machine_is_refused); the
 * session goes on, and ends with exit 2.
 */
Test(shell_pipe, va_beyond_a_32_bit_machine_is_refused)
{
	char *const argv[] = { "mmusim", "--config", "x86_32", "shell", NULL };
	const char input[] = "r 0x100000000\nexplain 0x100000000\nr 0xfffff000\n";
	char *out, *err;

	cr_expect_eq(run_piped_argv(input, strlen(input), argv, &out, &err), 2);
	cr_expect_str_eq(err, "mmusim: stdin:1: VA '0x100000000' is out of range: x86_32 addresses are 32 bits\n"
			      "mmusim: stdin:2: VA '0x100000000' is out of range: x86_32 addresses are 32 bits\n");
	cr_expect(strstr(out, "0xfffff000 r user: fault not-present at level 2") == out, "%s", out);
	free(out);
	free(err);
}

/* A config's os: block with opt is refused as --replacement opt is: the shell has no future. */
Test(shell_pipe, config_with_opt_is_refused)
{
	char *cfg = write_temp_file("extends: x86_64\nos: { replacement: opt, resident_pages: 2 }\n", ".yaml");
	char *const argv[] = { "mmusim", "--config", cfg, "shell", NULL };
	char *const lru[] = { "mmusim", "--config", cfg, "shell", "--replacement", "lru", NULL };
	char *out, *err;

	cr_expect_eq(run_piped_argv("r 0x1000\n", 9, argv, &out, &err), 2);
	cr_expect_str_eq(out, "");
	cr_expect_str_eq(err, "mmusim: shell: the config's os: block picks replacement opt, which needs the whole "
			      "future of a trace; the shell has none (choose another with --replacement)\n");
	free(out);
	free(err);
	cr_expect_eq(run_piped_argv("r 0x1000\n", 9, lru, &out, &err), 0);
	cr_expect(strstr(out, "0x1000 r user: pa ") == out, "%s", out);
	free(out);
	free(err);
	remove_temp_file(cfg);
}

Test(shell_pipe, long_lines_and_nul_bytes_end_the_session)
{
	static const char head[] = "map 0x0 0x800 64 rwu\nr 0x0\n";
	size_t n = sizeof(head) - 1 + 65537 + 1;
	char *input = malloc(n + 1), *out, *err;

	cr_assert(input);
	memcpy(input, head, sizeof(head) - 1);
	memset(input + sizeof(head) - 1, 'x', 65537);   /* one byte over the limit */
	input[n - 1] = '\n';
	input[n] = '\0';
	cr_expect_eq(run_piped(input, &out, &err), 2);
	cr_expect_str_eq(out, "0x0 r user: pa 0x800 (64-byte page, level 1) perms rw-u-\n"
			      "  mmu: walk of 2 reads, PTE L2 0x40 from memory, PTE L1 0x80 from memory, 21 cycles\n");
	cr_expect_str_eq(err, "mmusim: stdin:3: line longer than 65536 bytes\n");
	free(out);
	free(err);

	/* Exactly 65536 bytes is a line: read whole, refused as an unknown command. */
	input[sizeof(head) - 1 + 65536] = '\n';
	input[sizeof(head) - 1 + 65537] = '\0';
	cr_expect_eq(run_piped(input, &out, &err), 2);
	cr_expect(strstr(err, "mmusim: stdin:3: ") == err && !strstr(err, "longer than"), "%.200s", err);
	free(out);
	free(err);

	static const char nul[] = "r 0x0\0\n";
	cr_expect_eq(run_piped_bytes(nul, sizeof(nul) - 1, &out, &err), 2);
	cr_expect_str_eq(err, "mmusim: stdin:1: NUL byte in the input (a binary file?)\n");
	free(out);
	free(err);
	free(input);
}

Test(shell_pipe, scripted_demo_golden)
{
	char *input = slurp(GOLDEN "shell_toy.in"), *golden = slurp(GOLDEN "shell_toy.out");
	char *out, *err;

	cr_expect_eq(run_piped(input, &out, &err), 2, "a failed command makes the exit status 2");
	cr_expect_str_eq(out, golden);
	cr_expect_str_eq(err, "mmusim: stdin:15: unknown command 'bogus' (type 'help')\n");
	free(input);
	free(golden);
	free(out);
	free(err);
}

Test(shell_pipe, clean_session_exits_0_and_reports_trace_errors_with_line)
{
	char *out, *err;

	cr_expect_eq(run_piped("map 0x40 0x1240 64 rwu\nr 0x45\n", &out, &err), 0);
	cr_expect_str_eq(out, "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n"
			      "  mmu: walk of 2 reads, PTE L2 0x40 from memory, PTE L1 0x82 from memory, 21 cycles\n");
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
	cr_expect_eq(run_piped("map 0x41 0x1240 64 rwu\nr zz\ntranslate\nr 0x45\n", &out, &err), 2);
	cr_expect_str_eq(out, "0x45 r user: fault not-present at level 2, page fault code 0x4 (U): "
			      "the PTE is not present (P/V bit clear)\n"
			      "  mmu: walk of 1 read, PTE L2 0x40 from memory, fault not-present, 11 cycles\n");
	cr_expect_str_eq(err, "mmusim: stdin:1: VA 0x41 is not aligned to the 64-byte page\n"
			      "mmusim: stdin:2: bad VA 'zz' (expected decimal or 0x-hex)\n"
			      "mmusim: stdin:3: usage: translate VA [r|w|x]\n");
	free(out);
	free(err);
}

/* ---- through a pseudo-terminal ---- */

struct pty {
	int fd;
	pid_t pid;
	char seen[16384];
	size_t len;
};

/*
 * Reads until `want` has appeared in what was seen from offset `from` on, or
 * max_ms pass.  Input is sent only once the shell has printed its next prompt:
 * libedit flushes type-ahead when it puts the terminal back into raw mode.
 */
static bool wait_from(struct pty *p, size_t from, const char *want, int max_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!strstr(p->seen + from, want)) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > max_ms)
			return false;
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(p->fd, p->seen + p->len, sizeof(p->seen) - p->len - 1);
		if (n <= 0)
			return false;
		p->len += (size_t)n;
		p->seen[p->len] = '\0';
	}
	return true;
}

static bool wait_for(struct pty *p, const char *want)
{
	return wait_from(p, 0, want, 20000);
}

static void send(struct pty *p, const char *s)
{
	cr_assert_eq(write(p->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void pty_start(struct pty *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = forkpty(&p->fd, NULL, NULL, NULL);
	cr_assert(p->pid >= 0, "forkpty: %s", strerror(errno));
	if (p->pid == 0) {
		setenv("TERM", "dumb", 1);
		exec_mmusim((const char *const[]){ "mmusim", "--config", "toy", "shell", NULL });
		_exit(127);
	}
}

/* Waits up to 20 s for the shell to leave (then kills it: a hang fails, never blocks). */
static int pty_finish(struct pty *p)
{
	int status;

	for (int tries = 0; tries < 2000; tries++) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid) {
			close(p->fd);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
		nanosleep(&ten_ms, NULL);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &status, 0);
	close(p->fd);
	cr_assert_fail("the shell did not exit; it printed: %s", p->seen);
	return -1;
}

Test(shell_pty, tab_completes_a_command_and_history_recalls_it)
{
	struct pty p;
	size_t from;

	pty_start(&p);
	cr_assert(wait_for(&p, "mmusim> "), "no prompt: %s", p.seen);
	send(&p, "map 0x40 0x1240 64 rwu\n");
	cr_assert(wait_for(&p, "rwu\r\nmmusim> "), "%s", p.seen);
	/* "tran" + TAB: the only match, completed with a space. */
	send(&p, "tran\t");
	cr_assert(wait_for(&p, "translate "), "completion not echoed: %s", p.seen);
	send(&p, "0x45\n");
	cr_assert(wait_for(&p, "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\r\n"), "%s", p.seen);
	/* "t" + TAB: three matches, listed. */
	cr_assert(wait_for(&p, "perms rw-u-\r\nmmusim> "), "%s", p.seen);
	from = p.len;
	send(&p, "t\t");
	cr_assert(wait_from(&p, from, "tlb  tlbi  translate", 20000), "candidates not listed: %s", p.seen + from);
	send(&p, "\025");   /* ^U: kill the line */
	/* ^P recalls the previous line (the translate) from history. */
	from = p.len;
	send(&p, "\020\n");
	cr_assert(wait_from(&p, from, "translate 0x45", 20000), "history not recalled: %s", p.seen + from);
	cr_assert(wait_from(&p, from, "perms rw-u-\r\nmmusim> ", 20000), "%s", p.seen + from);
	send(&p, "quit\n");
	cr_expect_eq(pty_finish(&p), 0);
}

Test(shell_pty, errors_go_on_and_exit_leaves)
{
	struct pty p;

	pty_start(&p);
	cr_assert(wait_for(&p, "mmusim> "), "no prompt: %s", p.seen);
	send(&p, "frob\n");
	cr_assert(wait_for(&p, "error: unknown command 'frob' (type 'help')\r\nmmusim> "), "%s", p.seen);
	/*
	 * Not ^D: libedit may draw the prompt before it switches the terminal to
	 * raw mode, and an EOF typed in that window is lost (lines are kept).
	 */
	send(&p, "exit\n");
	cr_expect_eq(pty_finish(&p), 0, "an interactive session ends with status 0");
}

/* `tlb` marks an entry a prefetch filled and no access has hit yet (next-page: r 0x400000 brings 0x401000). */
Test(shell, tlb_marks_prefetched_entries)
{
	char *cfg = write_temp_file("extends: x86_64\npwc: []\n"
				    "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K],"
				    " prefetch: {kind: next}}]\n", ".yaml");
	char *const argv[] = { "mmusim", "--config", cfg, "shell", NULL };
	static const char script[] = "map 0x400000 0x10000000 16K rwu\nr 0x400000\ntlb\nr 0x401000\ntlb\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(script, strlen(script), argv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "l1d (level 1, data, 4 entries, 4-way): 2 valid\n"
			      "  va 0x400000 -> pa 0x10000000 4K asid 0 perms rw-u-\n"
			      "  va 0x401000 -> pa 0x10001000 4K asid 0 perms rw-u- prefetched\n"),
		  "%s", out);
	/* The hit on it makes it an ordinary entry (and, a hit, trains nothing). */
	cr_expect(strstr(out, "l1d (level 1, data, 4 entries, 4-way): 2 valid\n"
			      "  va 0x400000 -> pa 0x10000000 4K asid 0 perms rw-u-\n"
			      "  va 0x401000 -> pa 0x10001000 4K asid 0 perms rw-u-\n"),
		  "%s", out);
	free(out);
	free(err);
	remove_temp_file(cfg);
}

/*
 * Detail, on from the start: after each access, the MMU's line (the numbers of
 * test_cli_access_log.c's hand-worked trace: a 1-cycle L1 DTLB, PWCs for
 * levels 2 and 3 of 2 and 3 cycles, an L1D of 4, memory 100); detail off
 * stops it, detail on brings it back; a bad argument is refused with its usage.
 */
Test(shell_pipe, detail_lines)
{
	char *cfg = write_temp_file("extends: x86_64\n"
				    "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G], latency: 1}]\n"
				    "pwc: [{level: 2, entries: 4, latency: 2}, {level: 3, entries: 4, latency: 3}]\n"
				    "memory_latency: 100\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}}\n", ".yaml");
	char *const argv[] = { "mmusim", "--config", cfg, "shell", NULL };
	const char *in = "map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x400008\nw 0x400010\n"
			 "detail off\nr 0x401000\ndetail on\nr 0x401008\ndetail maybe\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(in, strlen(in), argv, &out, &err), 2);
	cr_expect_str_eq(out,
			 "0x400000 r user: pa 0x10000000 (4K page, level 1) perms rw-u-\n"
			 "  mmu: walk of 4 reads (pwc L2 miss, pwc L3 miss), PTE L4 0x1000 from memory, PTE L3 0x2000 from memory, "
			 "PTE L2 0x3010 from memory, PTE L1 0x4000 from memory, set A, 406 cycles\n"
			 "0x400008 r user: pa 0x10000008 (4K page, level 1) perms rw-u-\n"
			 "  mmu: hit in l1d (L1 TLB), 1 cycle\n"
			 "0x400010 w user: pa 0x10000010 (4K page, level 1) perms rw-u-\n"
			 "  mmu: hit in l1d, walked again (D clear), walk of 1 read (pwc L2 hit), PTE L1 0x4000 from l1d, set D, 7 cycles\n"
			 "0x401000 r user: pa 0x10001000 (4K page, level 1) perms rw-u-\n"
			 "0x401008 r user: pa 0x10001008 (4K page, level 1) perms rw-u-\n"
			 "  mmu: hit in l1d (L1 TLB), 1 cycle\n");
	cr_expect_str_eq(err, "mmusim: stdin:9: usage: detail on|off\n");
	free(out);
	free(err);
	remove_temp_file(cfg);
}

/* tlb, mappings, help and quit take no arguments: `tlb 3` is refused, not the whole list. */
Test(shell, no_argument_commands_refuse_arguments)
{
	char *const argv[] = { "mmusim", "shell", NULL };
	const char *in = "tlb 99999\nmappings 0x400000\nhelp map\nquit now\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(in, strlen(in), argv, &out, &err), 2);
	cr_expect_str_eq(out, "");
	cr_expect_str_eq(err, "mmusim: stdin:1: usage: tlb (it takes no arguments)\n"
			      "mmusim: stdin:2: usage: mappings (it takes no arguments)\n"
			      "mmusim: stdin:3: usage: help (it takes no arguments)\n"
			      "mmusim: stdin:4: usage: quit (it takes no arguments)\n");
	free(out);
	free(err);
}

/* A VA that is not canonical is refused before the TLBs: the detail line says no lookup was made. */
Test(shell, non_canonical_access_makes_no_lookup)
{
	char *const argv[] = { "mmusim", "shell", NULL };
	const char *in = "r 0x800000000000\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(in, strlen(in), argv, &out, &err), 0);
	cr_expect(strstr(out, "  mmu: no TLB lookup or walk (the address is not canonical), fault non-canonical, 0 cycles\n"),
		  "%s", out);
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
}

/* The toy MMU's VA 0x45 (L2 index 0, L1 index 1, offset 5), as explain and step print its fields. */
#define TOY_0X45_FIELDS                                                                                    \
	"VA 0x0045 as its bit fields:\n"                                                                   \
	"  field      bits   hex  binary\n"                                                                \
	"  L2 index   15:11  0x0  0b00000   = 0\n"                                                         \
	"  L1 index   10:6   0x1  0b00001   = 1\n"                                                         \
	"  offset     5:0    0x5  0b000101\n"                                                              \
	"walk from root 0x40 (ptbr 0x40):\n"

/*
 * step VA, then one level per next: worked by hand from the toy format (frame
 * in PTE bits 15:6, V R W X U H in bits 0..5; root 0x40, 2-byte PTEs).  VA
 * 0x45: the L2 PTE at 0x40 + 0 x 2 is 0x0081 = V, frame 0x2: the table at
 * 0x80; the L1 PTE at 0x80 + 1 x 2 = 0x82 is 0x1257 = V R W U, frame 0x49:
 * page 0x1240, PA 0x1245.  VA 0x815 (L2 index 1): the L2 PTE at 0x42 is
 * 0x203b = V R X U H, frame 0x80: a 2K leaf without W, so a write faults
 * there with code P|W|U = 7.  `step` alone continues; a bad `next` leaves the
 * step alone; any other command ends it; a VA outside the 16 bits reads
 * nothing and ends at once.
 */
Test(shell_pipe, step_walks_one_level_per_next)
{
	static const char in[] = "map 0x0040 0x1240 64 rwu\nmap 0x0800 0x2000 2K rxu\n"
				 "next\nstep\nstep zz\nstep 0x45 q\n"                       /* 3..6: errors */
				 "step 0x45\nn\nnext 1\nnext\nnext\n"                      /* 7..11 */
				 "step 0x815 w\nstep\n"                                    /* 12, 13 */
				 "step 0x45\ntranslate 0x45\nnext\n"                       /* 14..16 */
				 "step 0x10000\nstep 0x45 r r\n";                         /* 17, 18 */
	char *out, *err;

	cr_assert_eq(run_piped(in, &out, &err), 2);
	cr_expect_str_eq(out,
			 "step 0x45: read access in user mode; toy: 2 levels, 16-bit VA, 64-byte pages, 2-byte PTEs\n"
			 TOY_0X45_FIELDS
			 "(2 levels to read: 'next' reads one)\n"
			 "  L2  table 0x40 + index 0 x 2 = PTE at 0x40\n"
			 "      raw    0x0081\n"
			 "      bits   V frame=0x2\n"
			 "      addr   bits 15:6 = 0x80\n"
			 "      -> the next table, at 0x80\n"
			 "  L1  table 0x80 + index 1 x 2 = PTE at 0x82\n"
			 "      raw    0x1257\n"
			 "      bits   V R W U frame=0x49\n"
			 "      addr   bits 15:6 = 0x1240\n"
			 "      -> a leaf: maps a 64-byte page at frame 0x1240\n"
			 "PA 0x1245 = frame 0x1240 | offset 0x5 (VA bits 5:0 in a 64-byte page)\n"
			 "perms rw-u-\n"
			 "step 0x815: write access in user mode; toy: 2 levels, 16-bit VA, 64-byte pages, 2-byte PTEs\n"
			 "VA 0x0815 as its bit fields:\n"
			 "  field      bits   hex  binary\n"
			 "  L2 index   15:11  0x1  0b00001   = 1\n"
			 "  L1 index   10:6   0x0  0b00000   = 0\n"
			 "  offset     5:0    0x15 0b010101\n"
			 "walk from root 0x40 (ptbr 0x40):\n"
			 "(1 level to read: 'next' reads one)\n"
			 "  L2  table 0x40 + index 1 x 2 = PTE at 0x42\n"
			 "      raw    0x203b\n"
			 "      bits   V R X U H frame=0x80\n"
			 "      addr   bits 15:11 = 0x2000\n"
			 "fault permission at level 2: write, but the PTE's write bit is 0\n"
			 "  refused by the PTE (L2) at 0x42: 0x203b = V R X U H frame=0x80\n"
			 "  raised as page fault code 0x7 (P W U)\n"
			 "step 0x45: read access in user mode; toy: 2 levels, 16-bit VA, 64-byte pages, 2-byte PTEs\n"
			 TOY_0X45_FIELDS
			 "(2 levels to read: 'next' reads one)\n"
			 "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n"
			 "step 0x10000: read access in user mode; toy: 2 levels, 16-bit VA, 64-byte pages, 2-byte PTEs\n"
			 "VA 0x10000 as its bit fields:\n"
			 "  field      bits   hex            binary\n"
			 "  unused     63:16  0x1            0b000000000000000000000000000000000000000000000001  not 0: NOT a 16-bit VA\n"
			 "  L2 index   15:11  0x0            0b00000                                             = 0\n"
			 "  L1 index   10:6   0x0            0b00000                                             = 0\n"
			 "  offset     5:0    0x0            0b000000\n"
			 "walk from root 0x40 (ptbr 0x40):\n"
			 "fault non-canonical (no entry was read): the VA does not fit 16 bits: bits 63:16 are not all 0\n"
			 "  the bits: VA bits 63:16 = 0x1, above the 16 bits of a VA\n"
			 "  raised as address outside the VA space\n");
	cr_expect_str_eq(err, "mmusim: stdin:3: no step in progress (start one with 'step VA [r|w|x]')\n"
			      "mmusim: stdin:4: usage: step VA [r|w|x]\n"
			      "mmusim: stdin:5: bad VA 'zz' (expected decimal or 0x-hex)\n"
			      "mmusim: stdin:6: bad access 'q' (expected r, w or x)\n"
			      "mmusim: stdin:9: usage: next (one more level of the step)\n"
			      "mmusim: stdin:11: no step in progress (start one with 'step VA [r|w|x]')\n"
			      "mmusim: stdin:16: no step in progress (start one with 'step VA [r|w|x]')\n"
			      "mmusim: stdin:18: usage: step VA [r|w|x]\n");
	free(out);
	free(err);
}

/*
 * Stepping leaves A/D alone (as explain does): after a stepped write through
 * x86-64's four levels, the write itself still sets A and D.  An empty line
 * from a pipe is no step (a script's blank line), and the step's last level
 * says nothing of A/D either.
 */
Test(shell_pipe, step_leaves_accessed_and_dirty_alone)
{
	char *const argv[] = { "mmusim", "shell", NULL };
	static const char in[] = "map 0x400000 0x10000000 4K rwu\nstep 0x400000 w\nn\n\nn\nn\nn\nw 0x400000\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(in, strlen(in), argv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "(4 levels to read: 'next' reads one)\n"), "%s", out);
	cr_expect(strstr(out, "PA 0x10000000 = frame 0x10000000 | offset 0x0 (VA bits 11:0 in a 4K page)\n"
			      "perms rw-u-\n0x400000 w user: pa 0x10000000 (4K page, level 1) perms rw-u-\n"),
		  "%s", out);
	cr_expect(strstr(out, ", set AD, "), "the write, not the step, sets A and D: %s", out);
	free(out);
	free(err);
}

/*
 * show draws mmusim show's tree (the entries worked out above: L2[0] points to
 * the table at 0x80, L2[1] is the 2K leaf), with --depth and --range; mappings
 * keeps the one-line-per-mapping list.
 */
Test(shell_pipe, show_draws_the_tree)
{
	static const char in[] = "map 0x0040 0x1240 64 rwu\nmap 0x0800 0x2000 2K rxu\nshow\nshow --depth 1\n"
				 "show --range 0x800-0x1000\nmappings\nshow --depth 3\nshow --depth=0\n"
				 "show --range 5\nshow --range 0x800-0x800\nshow bogus\n";
	char *out, *err;

	cr_assert_eq(run_piped(in, &out, &err), 2);
	cr_expect_str_eq(out, "root 0x40 (ptbr 0x40): toy, 2 levels of 32 2-byte entries\n"
			      "L2[0] 0x0081 V frame=0x2 -> L1 table 0x80, va 0x0..0x7ff\n"
			      "  L1[1] 0x1257 V R W U frame=0x49 -> 64-byte page, va 0x40 -> pa 0x1240\n"
			      "L2[1] 0x203b V R X U H frame=0x80 -> 2K page, va 0x800 -> pa 0x2000\n"
			      "root 0x40 (ptbr 0x40): toy, 2 levels of 32 2-byte entries\n"
			      "L2[0] 0x0081 V frame=0x2 -> L1 table 0x80, va 0x0..0x7ff (not expanded)\n"
			      "L2[1] 0x203b V R X U H frame=0x80 -> 2K page, va 0x800 -> pa 0x2000\n"
			      "root 0x40 (ptbr 0x40): toy, 2 levels of 32 2-byte entries\n"
			      "L2[1] 0x203b V R X U H frame=0x80 -> 2K page, va 0x800 -> pa 0x2000\n"
			      "0x40 0x80 0x1240 rw-u- (64-byte page, level 1)\n"
			      "0x800 0x1000 0x2000 r-xu- (2K page, level 2)\n");
	cr_expect_str_eq(err, "mmusim: stdin:7: bad --depth '3': toy has 2 levels\n"
			      "mmusim: stdin:8: bad --depth '0' (expected a number of levels from 1 to 5)\n"
			      "mmusim: stdin:9: bad --range '5' (expected START-END, e.g. 0x400000-0x600000)\n"
			      "mmusim: stdin:10: bad --range '0x800-0x800': END must be above START\n"
			      "mmusim: stdin:11: usage: show [--depth N] [--range START-END]\n");
	free(out);
	free(err);
}

/*
 * A stale translation, live: with --no-auto-flush, protect leaves the TLB's
 * rw entry for 0x40 in place, so the write after it succeeds through it (a
 * 1-cycle hit); --check-stale says the table now refuses it (W clear in the
 * L1 PTE at 0x82).  After unmap the hit still translates; flush ends it.
 * With the default shootdown the same write faults.
 */
Test(shell_pipe, stale_tlb_entry_shown_live)
{
	char *const stale[] = { "mmusim", "--config", "toy", "shell", "--no-auto-flush", "--check-stale", NULL };
	char *const quiet[] = { "mmusim", "--config", "toy", "shell", "--no-auto-flush", NULL };
	char *const flushing[] = { "mmusim", "--config", "toy", "shell", NULL };
	static const char in[] = "map 0x40 0x1240 64 rwu\nr 0x45\nprotect 0x40 64 ru\nw 0x45\nunmap 0x40 64\nr 0x45\n"
				 "flush\nr 0x45\n";
	static const char hit[] = "  mmu: hit in tlb (L1 TLB), 1 cycle\n";
	static const char first[] = "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n"
				    "  mmu: walk of 2 reads, PTE L2 0x40 from memory, PTE L1 0x82 from memory, 21 cycles\n";
	static const char last[] = "0x45 r user: fault not-present at level 2, page fault code 0x4 (U): the PTE is not "
				   "present (P/V bit clear)\n"
				   "  mmu: walk of 1 read, PTE L2 0x40 from memory, fault not-present, 11 cycles\n";
	char *out, *err, want[2048];

	cr_assert_eq(run_piped_argv(in, strlen(in), stale, &out, &err), 0, "%s", err);
	snprintf(want, sizeof(want), "%s0x45 w user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n%s"
		 "  stale: the TLB entry no longer agrees with the page table, which says: fault permission at "
		 "level 1, page fault code 0x7 (P W U): write, but the PTE's write bit is 0; refused by the PTE (L1) at 0x82\n"
		 "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n%s"
		 "  stale: the TLB entry no longer agrees with the page table, which says: fault not-present at "
		 "level 2, page fault code 0x4 (U): the PTE is not present (P/V bit clear)\n%s",
		 first, hit, hit, last);
	cr_expect_str_eq(out, want);
	free(out);
	free(err);

	cr_assert_eq(run_piped_argv(in, strlen(in), quiet, &out, &err), 0, "%s", err);
	snprintf(want, sizeof(want), "%s0x45 w user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n%s"
		 "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n%s%s", first, hit, hit, last);
	cr_expect_str_eq(out, want, "without --check-stale nothing is said");
	free(out);
	free(err);

	cr_assert_eq(run_piped_argv(in, strlen(in), flushing, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "0x45 w user: fault permission at level 1, page fault code 0x7 (P W U)"), "%s", out);
	cr_expect(strstr(out, "stale") == NULL, "%s", out);
	free(out);
	free(err);
}

/* On a terminal an empty line continues a step, under the prompt "mmusim step> ". */
Test(shell_pty, empty_line_continues_a_step)
{
	struct pty p;

	pty_start(&p);
	cr_assert(wait_for(&p, "mmusim> "), "no prompt: %s", p.seen);
	send(&p, "map 0x40 0x1240 64 rwu\n");
	cr_assert(wait_for(&p, "rwu\r\nmmusim> "), "%s", p.seen);
	send(&p, "step 0x45\n");
	cr_assert(wait_for(&p, "reads one)\r\nmmusim step> "), "%s", p.seen);
	send(&p, "\n");
	cr_assert(wait_for(&p, "-> the next table, at 0x80\r\nmmusim step> "), "%s", p.seen);
	send(&p, "\n");
	cr_assert(wait_for(&p, "perms rw-u-\r\nmmusim> "), "%s", p.seen);
	send(&p, "quit\n");
	cr_expect_eq(pty_finish(&p), 0);
}

/*
 * After `asid N` the root register that explain, step and show print is the one
 * that selects ASID N's table: Sv39 satp = MODE 8 (63:60) | ASID (59:44) | PPN
 * (43:0), so ASID 5 with the root at 0x80002000 is 0x8000500000080002 (RISC-V
 * privileged spec, satp); Sv32 satp = MODE (31) | ASID (30:22) | PPN (21:0):
 * ASID 88 -> 0x80000000 | 88 << 22 | 0x80002 = 0x96080002; AArch64 TTBR0_EL1
 * holds the ASID in bits 63:48 (TCR_EL1.A1 = 0), TTBR1_EL1 none.
 */
Test(shell_pipe, root_register_carries_the_current_asid)
{
	const char *in = "asid 5\nmap 0x1000 0x80005000 4K rwu\nexplain 0x1000\nstep 0x1000\nshow\n";
	char *const sv39[] = { "mmusim", "--config", "sv39", "shell", NULL };
	char *const sv32[] = { "mmusim", "--config", "sv32", "shell", NULL };
	char *const arm[] = { "mmusim", "--config", "aarch64", "shell", NULL };
	char *out, *err;

	cr_assert_eq(run_piped_argv(in, strlen(in), sv39, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "explain 0x1000: read access in user mode; sv39"), "%s", out);
	cr_expect(strstr(out, "walk from root 0x80002000 (satp 0x8000500000080002):\n"
			      "  L3  table 0x80002000"), "%s", out);
	cr_expect(strstr(out, "root 0x80002000 (satp 0x8000500000080002): sv39, 3 levels"), "%s", out);
	cr_expect(!strstr(out, "satp 0x8000000000080002"), "%s", out);
	free(out);
	free(err);

	const char *in32 = "asid 88\nmap 0x1000 0x80005000 4K rwu\nexplain 0x1000\n";
	cr_assert_eq(run_piped_argv(in32, strlen(in32), sv32, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "walk from root 0x80002000 (satp 0x96080002):\n"), "%s", out);
	free(out);
	free(err);

	const char *in_arm = "asid 5\nmap 0x1000 0x80005000 4K rwu\nexplain 0x1000\nshow\n";
	cr_assert_eq(run_piped_argv(in_arm, strlen(in_arm), arm, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "walk from TTBR0 (user) root 0x40002000 (ttbr0 0x5000040002000):\n"), "%s", out);
	cr_expect(strstr(out, "TTBR0 (user) root 0x40002000 (ttbr0 0x5000040002000): aarch64"), "%s", out);
	cr_expect(strstr(out, "TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): aarch64"), "%s", out);
	free(out);
	free(err);
}

/*
 * On a VM, translate and the accesses answer a stage-2 fault as the hypervisor
 * is told it, as `mmusim translate` does; the shell described it with the
 * guest's format ("scause 21 (?)" on RISC-V, a stage-1 ESR_EL1 on Arm).
 * RISC-V privileged spec, Hypervisor extension, "Two-Stage Address
 * Translation" and "Hypervisor Trap Value Register (htval)": a G-stage fault
 * is a guest-page fault of the original access (21 load, 23 store/AMO) also
 * for an implicit VS-stage PTE read, htval = GPA >> 2, htinst 0x3000 for that
 * implicit 64-bit read.  The sv39x4 guest maps VA 0x1000 at GPA 0x80200000;
 * its L1 table is at GPA 0x80003000, so the PTE for VA 0x1234 at 0x80003008.
 * Arm ARM D8 (stage 2 abort on a stage-1 table walk): ESR_EL2 EC 0x24, S1PTW
 * (bit 7), translation fault level 3 (0x07).
 */
Test(shell_pipe, vm_stage2_faults_are_the_hypervisors)
{
	char *const rv[] = { "mmusim", "--config", "sv39x4", "shell", NULL };
	char *const arm[] = { "mmusim", "--config", "aarch64_vm", "shell", NULL };
	static const char rv_script[] = "map 0x1000 0x80200000 4K rwu\ntranslate 0x1234\ngunmap 0x80200000 4K\n"
					"translate 0x1234\nr 0x1234\ngunmap 0x80003000 4K\nw 0x1234\n";
	static const char arm_script[] = "map 0x1000 0x40200000 4K rwu\ngunmap 0x40004000 4K\nr 0x1234\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(rv_script, strlen(rv_script), rv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n"),
		  "%s", out);
	cr_expect(strstr(out, "0x1234 r user: stage-2 fault not-present at level 1 on the final GPA 0x80200234, scause 21 "
			      "(load guest-page fault), htval 0x2008008d (GPA 0x80200234), htinst 0x0 (the final GPA; no "
			      "instruction transformed)\n0x1234 r user: stage-2 fault"),
		  "%s", out);
	cr_expect(strstr(out, "0x1234 w user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x80003008, "
			      "scause 23 (store/AMO guest-page fault), htval 0x20000c02 (GPA 0x80003008), htinst 0x3000 "
			      "(implicit read of a VS-stage PTE)\n"),
		  "%s", out);
	cr_expect(strstr(out, "(?)") == NULL, "%s", out);
	free(out);
	free(err);

	cr_assert_eq(run_piped_argv(arm_script, strlen(arm_script), arm, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x40004008, "
			      "stage-2 data abort (ESR_EL2 0x92000087: EC 0x24, S1PTW, translation fault level 3)"),
		  "%s", out);
	cr_expect(strstr(out, "ESR_EL1") == NULL, "%s", out);
	free(out);
	free(err);
}

/*
 * `step` on a VM steps through the guest's walk and ends with the two-stage
 * answer.  With the guest's L1 table (GPA 0x80003000) unmapped at stage 2,
 * the guest cannot read its entry at GPA 0x80003008: step printed a made-up
 * entry "raw 0x0 ... not-present" and "raised as scause 21 (?)"; the
 * hardware raises the load guest-page fault (scause 21, htval GPA >> 2,
 * htinst 0x3000: RISC-V privileged spec, Hypervisor extension).
 */
Test(shell_pipe, vm_step_ends_with_the_stage2_answer)
{
	char *const rv[] = { "mmusim", "--config", "sv39x4", "shell", NULL };
	static const char script[] = "map 0x1000 0x80200000 4K rwu\nmap 0x5000 0x80205000 4K rwu\nstep 0x5234\nn\nn\nn\n"
				     "gunmap 0x80003000 4K\nstep 0x1234\nn\nn\nn\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(script, strlen(script), rv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "perms rw-u-\nhost PA 0xc0205234 (GPA 0x80205234; perms rw-u- with both stages)\n"), "%s", out);
	cr_expect(strstr(out, "  L1  table 0x80003000 + index 1 x 8 = PTE at 0x80003008\n"
			      "      stage 2 refuses the walk's access to this GPA: the entry is not read, the walk stops here\n"
			      "stage-2 fault on the guest page-table GPA 0x80003008: scause 21 (load guest-page fault), "
			      "htval 0x20000c02 (GPA 0x80003008), htinst 0x3000 (implicit read of a VS-stage PTE)\n"),
		  "%s", out);
	cr_expect(strstr(out, "(?)") == NULL, "%s", out);
	cr_expect(strstr(out, "raw    0x0000000000000000") == NULL, "%s", out);
	free(out);
	free(err);
}

/* The shell's step ends as explain does: the host PA with what both stages allow. */
Test(shell_pipe, vm_step_ends_with_both_stages_perms)
{
	char *const argv[] = { "mmusim", "--config", "sv39x4", "shell", NULL };
	static const char script[] = "map 0x1000 0x80200000 4K rwxu\ngprotect 0x80200000 4K r\nstep 0x1234\nn\nn\nn\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(script, strlen(script), argv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "perms rwxu-\nhost PA 0xc0200234 (GPA 0x80200234; perms r--u- with both stages)\n"), "%s",
		  out);
	free(out);
	free(err);
}

/*
 * A VM's TLB entry holds both stages (README, replay: "allowing only what
 * both stages allow"): over a read-only EPT leaf (SDM 29.3.3.2: a write or
 * fetch is an EPT violation) the entry the guest's rwx page filled caches
 * reads only, and `tlb` lists it so.
 */
Test(shell_pipe, vm_tlb_entry_perms_are_both_stages)
{
	char *const argv[] = { "mmusim", "--config", "x86_64_ept", "shell", NULL };
	static const char script[] = "map 0x1000 0x200000 4K rwxu\ngprotect 0x200000 4K r\nr 0x1234\ntlb\n";
	char *out, *err;

	cr_assert_eq(run_piped_argv(script, strlen(script), argv, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "  va 0x1000 -> pa 0x40200000 4K asid 0 perms r--u-"), "%s", out);
	cr_expect(strstr(out, "perms rwxu-") == NULL, "%s", out);
	free(out);
	free(err);
}
