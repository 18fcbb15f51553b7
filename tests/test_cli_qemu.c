/*
 * mmusim run --tracer qemu: capture through qemu-user and the capture plugin
 * (tools/qemu_plugin).  Small C programs are built here and run; the counts
 * checked are the ones their loops make by construction (N pages written
 * once each: N writes there, N first touches), not the simulator's output.
 */
#define _GNU_SOURCE /* strdup */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/trace.h"
#include "pt/mm_error.h"
#include "support.h"
#include "temp_dir.h"

static void time_limit_120s(void)
{
	alarm(120);
}

/* Writes one byte to each of argv[1] pages of a page-aligned array; prints the array's address. */
static const char pages_c[] =
	"#include <stdio.h>\n#include <stdlib.h>\n"
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(int argc, char **argv) {\n"
	"  int n = argc > 1 ? atoi(argv[1]) : 64; volatile char *p = buf;\n"
	"  printf(\"buf %p\\n\", (void *)buf); fflush(stdout);\n"
	"  for (int i = 0; i < n; i++) p[i * 4096] = 1;\n  return 0; }\n";

/*
 * argv[1] threads (at most 4), thread i writing one byte to each of 16 pages
 * of its own array; all stay alive until every one has written (a barrier),
 * so none reuses another's vCPU index.
 */
static const char threads_c[] =
	"#include <pthread.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
	"char buf[4][16 * 4096] __attribute__((aligned(4096)));\n"
	"static pthread_barrier_t all;\n"
	"static void *touch(void *a) { volatile char *p = a; for (int i = 0; i < 16; i++) p[i * 4096] = 1; "
	"pthread_barrier_wait(&all); return NULL; }\n"
	"int main(int argc, char **argv) {\n"
	"  int n = argc > 1 ? atoi(argv[1]) : 4; pthread_t t[4];\n"
	"  pthread_barrier_init(&all, NULL, (unsigned)n + 1);\n"
	"  printf(\"buf %p\\n\", (void *)buf); fflush(stdout);\n"
	"  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, touch, buf[i]);\n"
	"  pthread_barrier_wait(&all);\n"
	"  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);\n"
	"  return 0; }\n";

static bool have(const char *cmd)
{
	char sh[256];
	snprintf(sh, sizeof(sh), "command -v %s >/dev/null 2>&1", cmd);
	return system(sh) == 0;
}

/* Builds src with cc (flags added) into dir/name; returns its path. */
static char *build(const char *dir, const char *name, const char *src, const char *cc, const char *flags)
{
	char *c = temp_dir_path(dir, "prog.c"), *exe = temp_dir_path(dir, name), cmd[1024];
	FILE *f = fopen(c, "w");

	cr_assert_not_null(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -O1 %s -o %s %s", cc, flags, exe, c);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(c);
	return exe;
}

static uint64_t json_u64(const char *json, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\":", key);
	const char *p = strstr(json, k);
	cr_assert_not_null(p, "%s not in %s", key, json);
	return strtoull(p + strlen(k), NULL, 10);
}

/* Runs `mmusim --config CONFIG --json run [--tracer T] --save-trace SAVE -- EXE ARG`; returns stdout. */
static char *capture_with(const char *config, const char *tracer, const char *save, const char *cpus, const char *exe,
			  const char *arg)
{
	struct run_result r;
	const char *argv[14] = { "--config", config, "--json", "run" };
	int argc = 4;

	if (cpus) {
		argv[argc++] = "--threads-to-cpus";
		argv[argc++] = cpus;
	}

	if (tracer) {
		argv[argc++] = "--tracer";
		argv[argc++] = tracer;
	}
	if (save) {
		argv[argc++] = "--save-trace";
		argv[argc++] = save;
	}
	argv[argc++] = "--";
	argv[argc++] = exe;
	argv[argc++] = arg;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *out = strdup(r.out);
	run_result_free(&r);
	return out;
}

static char *capture(const char *config, const char *tracer, const char *save, const char *exe, const char *arg)
{
	return capture_with(config, tracer, save, NULL, exe, arg);
}

/* Per CPU (thread), the distinct pages of [lo, lo + len) the saved trace writes to. */
static void pages_written(const char *trace, uint64_t lo, uint64_t len, unsigned per_cpu[8], uint64_t *writes)
{
	struct trace_reader *t;
	struct mm_error err = { 0 };
	struct trace_event ev[256];
	unsigned cpu = 0;
	static unsigned char seen[8][256];
	long n;

	memset(seen, 0, sizeof(seen));
	memset(per_cpu, 0, 8 * sizeof(*per_cpu));
	*writes = 0;
	cr_assert_eq(trace_reader_open(trace, TRACE_FORMAT_BINARY, &t, &err), 0, "%s", err.msg);
	while ((n = trace_reader_next(t, ev, 256, &err)) > 0) {
		for (long i = 0; i < n; i++) {
			if (ev[i].op == TRACE_CPU || ev[i].op == TRACE_THREAD)
				cpu = ev[i].n; /* run's traces say the thread; replay maps it to a CPU */
			if (ev[i].op != TRACE_ACCESS || ev[i].access != ACCESS_WRITE || ev[i].va < lo ||
			    ev[i].va >= lo + len)
				continue;
			cr_assert_lt(cpu, 8);
			uint64_t page = (ev[i].va - lo) / 4096;
			(*writes)++;
			if (!seen[cpu][page]++)
				per_cpu[cpu]++;
		}
	}
	cr_assert_eq(n, 0, "%s", err.msg);
	trace_reader_close(t);
}

static uint64_t printed_buf(const char *out)
{
	const char *p = strstr(out, "buf 0x");
	cr_assert_not_null(p, "%s", out);
	return strtoull(p + 4, NULL, 16);
}

static void skip_without(const char *qemu)
{
	/* Under tests/valgrind.sh QEMU runs untraced: memcheck would check only the compiler and the waiting. */
	if (!valgrind_usable() && have("valgrind"))
		cr_skip_test("this suite runs under valgrind");
	if (!have(qemu))
		cr_skip_test("%s is not installed (Debian: qemu-user)", qemu);
}

Test(run_qemu, a_loop_over_n_pages_gives_n_first_touches, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "pages", pages_c, "cc", "-static");
	char *save = temp_dir_path(dir, "t.bin");
	char *none = capture("x86_64", "qemu", NULL, exe, "0"), *all = capture("x86_64", "qemu", save, exe, "64");
	unsigned per_cpu[8];
	uint64_t writes;

	cr_expect(strstr(all, "\"format\":\"qemu\""), "%s", all);
	/* The same program, 64 more pages written: 64 more first touches and 64 more writes. */
	cr_expect_eq(json_u64(all, "demand_paged") - json_u64(none, "demand_paged"), 64);
	cr_expect_eq(json_u64(strstr(all, "\"accesses\""), "write") - json_u64(strstr(none, "\"accesses\""), "write"),
		     64);
	pages_written(save, printed_buf(all), 64 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);
	cr_expect_eq(per_cpu[0], 64);
	free(none);
	free(all);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}

/* Both tracers see the program's own loop the same: 64 pages, 64 writes more (startup code differs). */
Test(run_qemu, the_loop_counts_agree_with_lackey, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	if (!valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	char *dir = temp_dir_create(), *exe = build(dir, "pages", pages_c, "cc", "-static");
	const char *tracer[2] = { "qemu", "valgrind" };
	uint64_t touches[2], writes[2];

	for (int k = 0; k < 2; k++) {
		char *none = capture("x86_64", tracer[k], NULL, exe, "0"), *all = capture("x86_64", tracer[k], NULL, exe, "64");
		touches[k] = json_u64(all, "demand_paged") - json_u64(none, "demand_paged");
		writes[k] = json_u64(strstr(all, "\"accesses\""), "write") - json_u64(strstr(none, "\"accesses\""), "write");
		free(none);
		free(all);
	}
	cr_expect_eq(touches[0], 64);
	cr_expect_eq(touches[1], 64);
	cr_expect_eq(writes[0], 64);
	cr_expect_eq(writes[1], 64);
	free(exe);
	temp_dir_remove(dir);
}

/* argv[1] = 1: a forked child writes one byte to each of 64 pages of buf (the parent writes none). */
static const char fork_c[] =
	"#include <stdlib.h>\n#include <unistd.h>\n#include <sys/wait.h>\n"
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(int argc, char **argv) {\n"
	"  if (argc > 1 && atoi(argv[1]) && fork() == 0) { volatile char *p = buf;\n"
	"    for (int i = 0; i < 64; i++) p[i * 4096] = 1; _exit(0); }\n"
	"  wait(NULL); return 0; }\n";

/*
 * run traces one process, as the README says of QEMU ("a forked child stops
 * writing"): under lackey too, the child's 64 writes are not replayed as the
 * parent's (valgrind's child wrote its trace into the same pipe).  The
 * program with a child against the one without: the fork's own accesses
 * apart, not 64 more writes nor 64 more first touches.
 */
Test(run_qemu, a_forked_childs_accesses_are_not_the_parents_under_either_tracer, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	if (!valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	char *dir = temp_dir_create(), *exe = build(dir, "fork", fork_c, "cc", "-static");
	const char *tracer[2] = { "qemu", "valgrind" };

	for (int k = 0; k < 2; k++) {
		char *none = capture("x86_64", tracer[k], NULL, exe, "0"), *child = capture("x86_64", tracer[k], NULL, exe, "1");
		uint64_t touches = json_u64(child, "demand_paged") - json_u64(none, "demand_paged");
		uint64_t writes =
			json_u64(strstr(child, "\"accesses\""), "write") - json_u64(strstr(none, "\"accesses\""), "write");
		cr_expect_lt(touches, 64, "%s: %" PRIu64 " more first touches", tracer[k], touches);
		cr_expect_lt(writes, 64, "%s: %" PRIu64 " more writes", tracer[k], writes);
		free(none);
		free(child);
	}
	free(exe);
	temp_dir_remove(dir);
}

/* Writes one byte to each of 64 pages, then execs argv[1] with no arguments. */
static const char exec_c[] =
	"#include <stdio.h>\n#include <unistd.h>\n"
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(int argc, char **argv) {\n"
	"  printf(\"buf %p\\n\", (void *)buf); fflush(stdout);\n"
	"  volatile char *p = buf; for (int i = 0; i < 64; i++) p[i * 4096] = 1;\n"
	"  if (argc > 1) execl(argv[1], argv[1], (char *)0);\n  return 0; }\n";

/*
 * A program that execs another leaves QEMU (the new program replaces it, no
 * exit callback runs): the trace stops there, but what came before is
 * replayed, complete, with its end record: the 64 writes before the exec
 * (the plugin's buffers hold 64 K accesses, so they were still buffered).
 * It was `byte N: truncated: no end record`, exit status 2, and the last
 * buffer of accesses lost.
 */
Test(run_qemu, a_program_that_execs_is_traced_up_to_the_exec, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "exec", exec_c, "cc", "-static");
	char *save = temp_dir_path(dir, "t.bin");
	char *out = capture("x86_64", "qemu", save, exe, "/bin/true");
	unsigned per_cpu[8];
	uint64_t writes;
	struct run_result r;

	pages_written(save, printed_buf(out), 64 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);
	cr_expect_eq(per_cpu[0], 64);
	cr_assert_eq(run_mmusim(&r, "replay", "--no-progress", "--demand-paging", save, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	/* The user is told: the statistics are not those of the program exec'd. */
	const char *argv[] = { "run", "--tracer", "qemu", "--", exe, "/bin/true" };
	cr_assert_eq(run_mmusim_argv(&r, 6, argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "mmusim: run: the program calls execve: the trace stops there"), "%s", r.err);
	run_result_free(&r);
	free(out);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}

/*
 * qemu-user loads ELF programs only: a `#!` script under it exited 1 with
 * nothing traced (`truncated: no end record after 0 records`, exit 2), as
 * `python3` is when it is a pyenv shim.  run starts the interpreter as the
 * kernel does, `INTERPRETER ARG SCRIPT`: here the interpreter is the page
 * writer and its one argument 64, so the trace has its 64 writes.
 */
Test(run_qemu, a_script_runs_under_its_interpreter, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "pages", pages_c, "cc", "-static");
	char *script = temp_dir_path(dir, "script"), *save = temp_dir_path(dir, "t.bin");
	FILE *f = fopen(script, "w");
	unsigned per_cpu[8];
	uint64_t writes;

	cr_assert_not_null(f);
	fprintf(f, "#! %s  64 \nnot read\n", exe);
	fclose(f);
	cr_assert_eq(chmod(script, 0755), 0);
	char *out = capture("x86_64", "qemu", save, script, NULL);
	pages_written(save, printed_buf(out), 64 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);

	/* A '#!' with no interpreter, and a missing interpreter, are named. */
	const char *bad[2][2] = { { "#!  \n", "its '#!' line names no interpreter" },
				  { "#!/nonexistent/sh\n", "its interpreter '/nonexistent/sh': No such file or directory" } };
	for (int i = 0; i < 2; i++) {
		struct run_result r;
		cr_assert_not_null(f = fopen(script, "w"));
		fputs(bad[i][0], f);
		fclose(f);
		const char *argv[] = { "run", "--tracer", "qemu", "--", script };
		cr_assert_eq(run_mmusim_argv(&r, 5, argv), 0);
		cr_expect_eq(r.status, 2);
		cr_expect(strstr(r.err, "mmusim: run: cannot run '") && strstr(r.err, bad[i][1]), "%s", r.err);
		cr_expect_eq(r.out[0], '\0', "%s", r.out);
		run_result_free(&r);
	}
	free(out);
	free(save);
	free(script);
	free(exe);
	temp_dir_remove(dir);
}

/* Writes one byte to each of 64 pages, then dies: argv[1] "abort" by abort(), else by a NULL load. */
static const char dies_c[] =
	"#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(int argc, char **argv) {\n"
	"  printf(\"buf %p\\n\", (void *)buf); fflush(stdout);\n"
	"  volatile char *p = buf; for (int i = 0; i < 64; i++) p[i * 4096] = 1;\n"
	"  if (argc > 1 && strcmp(argv[1], \"abort\") == 0) abort();\n"
	"  for (int i = 0; i < 4096; i++) p[i % 64 * 4096] = 2;\n"
	"  fputs(\"x\\n\", stderr); return *(volatile int *)0; }\n";

/*
 * QEMU calls no plugin callback when a fatal signal kills the guest: a program
 * that crashed or abort()ed left `truncated: no end record after 0 records`,
 * exit status 2, everything it did lost in the plugin's buffers.  The plugin
 * now flushes at a system call that sends a signal, and at any once 4096
 * accesses wait: the 64 writes before abort()'s tgkill, or the 64 + 4096
 * before the fputs ahead of the NULL load, are replayed, and run says how the
 * program died instead of calling its trace cut off.
 */
Test(run_qemu, a_program_killed_by_a_signal_is_traced_up_to_its_last_system_call, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "dies", dies_c, "cc", "-static");
	const char *how[2] = { "abort", "segv" }, *why[2] = { "signal 6 (Aborted)", "signal 11 (Segmentation fault)" };
	struct rlimit no_core = { 0, 0 };

	cr_assert_eq(setrlimit(RLIMIT_CORE, &no_core), 0); /* QEMU dumps the guest's core in the current folder */

	for (int k = 0; k < 2; k++) {
		struct run_result r;
		const char *argv[] = { "--json", "run", "--", exe, how[k] };

		cr_assert_eq(run_mmusim_argv(&r, 5, argv), 0);
		cr_expect_eq(r.status, 0, "%s: %s", how[k], r.err);
		cr_expect(strstr(r.err, "was killed by ") && strstr(r.err, why[k]), "%s", r.err);
		cr_expect_null(strstr(r.err, "truncated"), "%s", r.err);
		cr_expect_geq(json_u64(strstr(r.out, "\"accesses\""), "write"), 64, "%s", r.out);
		cr_expect_geq(json_u64(r.out, "demand_paged"), 64, "%s", r.out);
		run_result_free(&r);
	}

	/* The saved copy gets the end record QEMU did not write: replay reads it whole, to the same report. */
	char *save = temp_dir_path(dir, "t.bin.zst");
	const char *argv[] = { "--json", "run", "--save-trace", save, "--", exe, "abort" };
	struct run_result r, again;
	cr_assert_eq(run_mmusim_argv(&r, 7, argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(run_mmusim(&again, "--json", "replay", "--no-progress", "--demand-paging", save, NULL), 0);
	cr_expect_eq(again.status, 0, "%s", again.err);
	const char *run_stats = strstr(r.out, "\"accesses\""), *replay_stats = strstr(again.out, "\"accesses\"");
	cr_assert(run_stats && replay_stats, "%s\n%s", r.out, again.out);
	cr_expect_str_eq(replay_stats, run_stats);
	run_result_free(&r);
	run_result_free(&again);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}

/* Starts argv[1] threads one after another, each running a loop of some 200 K accesses. */
static const char churn_c[] =
	"#include <pthread.h>\n#include <stdlib.h>\n"
	"static void *work(void *a) { volatile long s = 0; for (int i = 0; i < 40000; i++) s += i; return a; }\n"
	"int main(int argc, char **argv) {\n"
	"  int n = argc > 1 ? atoi(argv[1]) : 1;\n"
	"  for (int i = 0; i < n; i++) { pthread_t t; pthread_create(&t, NULL, work, NULL); pthread_join(t, NULL); }\n"
	"  return 0; }\n";

/*
 * The plugin gives each guest thread a 1 MiB buffer; it kept every one until
 * the guest exited, so 300 short threads grew QEMU by 300 MiB (a server
 * starting threads for hours: by gigabytes).  A thread's buffer is freed when
 * it ends: QEMU stays near its size with one thread (about 25 MiB, 20 without
 * the plugin).  ru_maxrss of the children is the largest process run waited
 * for, i.e. QEMU (or mmusim, if larger).
 */
Test(run_qemu, a_threads_buffer_is_freed_when_it_ends, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "churn", churn_c, "cc", "-static -pthread");
	char *out = capture("x86_64", "qemu", NULL, exe, "300");
	struct rusage ru;

	cr_expect_gt(json_u64(strstr(out, "\"accesses\""), "total"), 300 * 100000ull, "%s", out);
	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	cr_expect_lt(ru.ru_maxrss, 150 * 1024, "a process run started peaked at %ld KiB", ru.ru_maxrss);
	free(out);
	free(exe);
	temp_dir_remove(dir);
}

/*
 * The trace pipe is close-on-exec in QEMU: a program that leaves a child
 * behind (`sleep 20 &`, a daemon) no longer holds run's replay open until
 * that child ends (it waited the whole 20 s; a daemon, for ever).
 */
Test(run_qemu, a_background_child_does_not_hold_the_replay_open, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	const char *argv[] = { "run", "--tracer", "qemu", "--", "/bin/sh", "-c", "sleep 20 &" };
	struct run_result r;

	cr_assert_eq(run_mmusim_limited(&r, 0, 10, 7, argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "replay of /bin/sh (qemu)"), "%s", r.out);
	run_result_free(&r);
}

/* Writes one byte to each of 64 pages whatever its arguments. */
static const char touch64_c[] =
	"#include <stdio.h>\n"
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(void) {\n"
	"  printf(\"buf %p\\n\", (void *)buf); fflush(stdout);\n"
	"  volatile char *p = buf; for (int i = 0; i < 64; i++) p[i * 4096] = 1;\n  return 0; }\n";

/* 64 pages written 500 times over: some 10 MB of trace, far more than a pipe holds. */
static const char busy_c[] =
	"char buf[64 * 4096] __attribute__((aligned(4096)));\n"
	"int main(void) {\n"
	"  volatile char *p = buf;\n"
	"  for (int r = 0; r < 500; r++) for (int i = 0; i < 64 * 4096; i += 64) p[i] = 1;\n  return 0; }\n";

/*
 * A replay that stops while the program still runs (here: out of simulated
 * memory, a 256 KiB machine for a 64-page loop) with --save-trace on: the
 * copying thread stopped reading the tracer's pipe but left it open, so the
 * tracer blocked on a full pipe and run waited for it for ever, under either
 * tracer.  The pipe is closed: the statistics so far and the error come back
 * at once, exit status 2, and no saved copy (a cut-off one would pass for the
 * whole trace).
 */
Test(run_qemu, a_replay_that_stops_early_with_save_trace_does_not_hang, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "touch", busy_c, "cc", "-static");
	char *config = temp_dir_path(dir, "small.yaml"), *save = temp_dir_path(dir, "t.bin");
	FILE *f = fopen(config, "w");

	cr_assert_not_null(f);
	fputs("extends: x86_64\nmemory: { base: 0x0, size: 256K }\n", f);
	fclose(f);
	for (int k = 0; k < 2; k++) {
		if (k == 1 && !valgrind_usable())
			break;
		const char *argv[] = { "--config", config, "run", "--tracer", k ? "valgrind" : "qemu",
				       "--save-trace", save, "--", exe };
		struct run_result r;

		cr_assert_eq(run_mmusim_limited(&r, 0, 40, 9, argv), 0);
		cr_expect_eq(r.status, 2, "%s: status %d: %s", argv[4], r.status, r.err);
		cr_expect(strstr(r.err, "out of physical memory"), "%s", r.err);
		cr_expect(strstr(r.out, "demand paged"), "%s", r.out);
		cr_expect_neq(access(save, F_OK), 0, "%s was kept", save);
		run_result_free(&r);
	}
	free(config);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}


/*
 * `#!/usr/bin/env NAME`, the usual way to start a script: env would exec
 * NAME and the trace, stopping at that execve, would hold env alone (with a
 * note on stderr that the program called execve).  run starts NAME, as PATH
 * finds it, as the interpreter: the trace has its 64 writes.
 */
Test(run_qemu, an_env_script_runs_under_the_program_env_would_start, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "touch64", touch64_c, "cc", "-static");
	char *script = temp_dir_path(dir, "script"), *save = temp_dir_path(dir, "t.bin"), path[4096];
	FILE *f = fopen(script, "w");
	unsigned per_cpu[8];
	uint64_t writes;

	cr_assert_not_null(f);
	fputs("#!/usr/bin/env touch64\n", f);
	fclose(f);
	cr_assert_eq(chmod(script, 0755), 0);
	snprintf(path, sizeof(path), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	cr_assert_eq(setenv("PATH", path, 1), 0);
	char *out = capture("x86_64", "qemu", save, script, NULL);
	pages_written(save, printed_buf(out), 64 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);

	/* A NAME with a slash is a path, as env (execvp) takes it: a missing one is named. */
	struct run_result r;
	const char *argv[] = { "run", "--tracer", "qemu", "--", script };
	cr_assert_not_null(f = fopen(script, "w"));
	fputs("#!/usr/bin/env /nonexistent/touch64\n", f);
	fclose(f);
	cr_assert_eq(run_mmusim_argv(&r, 5, argv), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "its interpreter '/nonexistent/touch64': No such file or directory"), "%s", r.err);
	run_result_free(&r);
	free(out);
	free(save);
	free(script);
	free(exe);
	temp_dir_remove(dir);
}

/*
 * Thread i (QEMU's vCPU i + 1; main is 0) writes its own 16 pages: the saved
 * trace says which thread wrote (`thread N` records), and the replay ran each
 * thread on its own CPU (one-each).
 */
Test(run_qemu, each_thread_is_its_own_cpu_in_the_trace, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "threads", threads_c, "cc", "-pthread");
	char *save = temp_dir_path(dir, "t.bin"), *out = capture("x86_64", "qemu", save, exe, "4");
	unsigned per_cpu[8];
	uint64_t writes;

	pages_written(save, printed_buf(out), 4 * 16 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);
	cr_expect_eq(per_cpu[0], 0);
	for (int c = 1; c <= 4; c++)
		cr_expect_eq(per_cpu[c], 16, "thread %d wrote %u pages", c, per_cpu[c]);
	for (int c = 0; c <= 4; c++) {
		char cpu[16];
		snprintf(cpu, sizeof(cpu), "{\"cpu\":%d,", c);
		cr_expect(strstr(out, cpu), "no CPU %d in %s", c, out);
	}
	free(out);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}

/*
 * Four threads of 16 pages, the main thread 0: round-robin over 2 CPUs runs
 * threads 0, 2, 4 on CPU 0 and 1, 3 on CPU 1 (the trace keeps the threads);
 * a file maps threads 1-4 to CPU 5 (the main thread, unlisted, stays on 0).
 */
Test(run_qemu, threads_to_cpus_round_robin_and_file, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "threads", threads_c, "cc", "-pthread");
	char *save = temp_dir_path(dir, "t.bin"), *map = write_temp_file("# thread cpu\n1 5\n2 5\n\n3 5 # x\n4 5\n", ".txt");
	unsigned per_cpu[8];
	uint64_t writes;
	char *out = capture_with("x86_64", "qemu", save, "round-robin:2", exe, "4");

	pages_written(save, printed_buf(out), 4 * 16 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);
	for (int c = 1; c <= 4; c++)
		cr_expect_eq(per_cpu[c], 16, "thread %d wrote %u pages", c, per_cpu[c]);
	cr_expect(strstr(out, "{\"cpu\":0,") && strstr(out, "{\"cpu\":1,"), "%s", out);
	cr_expect_null(strstr(out, "{\"cpu\":2,"), "%s", out);
	free(out);
	out = capture_with("x86_64", "qemu", save, map, exe, "4");
	pages_written(save, printed_buf(out), 4 * 16 * 4096, per_cpu, &writes);
	cr_expect_eq(writes, 64);
	cr_expect(strstr(out, "{\"cpu\":0,") && strstr(out, "{\"cpu\":5,"), "%s", out);
	for (int c = 1; c <= 4; c++) {
		char cpu[16];
		snprintf(cpu, sizeof(cpu), "{\"cpu\":%d,", c);
		cr_expect_null(strstr(out, cpu), "CPU %d in %s", c, out);
	}
	free(out);
	remove_temp_file(map);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}

static void cross(const char *cc, const char *qemu, const char *config)
{
	if (!have(cc))
		cr_skip_test("%s is not installed", cc);
	skip_without(qemu);
	char *dir = temp_dir_create(), *exe = build(dir, "pages", pages_c, cc, "-static");
	char *none = capture(config, "qemu", NULL, exe, "0"), *all = capture(config, "qemu", NULL, exe, "64");

	cr_expect_eq(json_u64(all, "demand_paged") - json_u64(none, "demand_paged"), 64);
	cr_expect_eq(json_u64(strstr(all, "\"accesses\""), "write") - json_u64(strstr(none, "\"accesses\""), "write"),
		     64);
	free(none);
	free(all);
	free(exe);
	temp_dir_remove(dir);
}

Test(run_qemu, riscv64_program_on_sv39, .init = time_limit_120s)
{
	cross("riscv64-linux-gnu-gcc", "qemu-riscv64", "sv39");
}

/* Writes one byte to each of 16 pages of an anonymous mmap, and prints where it and the stack are. */
static const char mmap_c[] =
	"#include <stdio.h>\n#include <sys/mman.h>\n"
	"int main(void) {\n"
	"  volatile char *p = mmap(0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
	"  int local = 0;\n"
	"  printf(\"map %p stack %p\\n\", (void *)p, (void *)&local); fflush(stdout);\n"
	"  for (int i = 0; i < 16; i++) p[i * 4096] = 1;\n  return local; }\n";

/*
 * A RISC-V Linux on Sv39 gives a process VAs below 2^38 (its user half): the
 * mmap and the stack of a static program must be there under run too, not
 * where QEMU's own layout puts them (from 2^38 up, non-canonical on Sv39:
 * every access to them faulted).  Not one fault, and the 16 pages written
 * are 16 first touches of the mapping.
 */
Test(run_qemu, riscv64_mmap_and_stack_are_in_sv39s_user_half, .init = time_limit_120s)
{
	if (!have("riscv64-linux-gnu-gcc"))
		cr_skip_test("riscv64-linux-gnu-gcc is not installed");
	skip_without("qemu-riscv64");
	char *dir = temp_dir_create(), *exe = build(dir, "mmap", mmap_c, "riscv64-linux-gnu-gcc", "-static");
	char *out = capture("sv39", "qemu", NULL, exe, NULL);
	const char *map = strstr(out, "map 0x"), *stack = strstr(out, "stack 0x");

	cr_assert(map && stack, "%s", out);
	cr_expect_lt(strtoull(map + 4, NULL, 16), 1ull << 38, "%s", out);
	cr_expect_lt(strtoull(stack + 6, NULL, 16), 1ull << 38, "%s", out);
	cr_expect(strstr(out, "\"faults\":{\"non-canonical\":0,\"not-present\":0,\"reserved-bit\":0,"
			 "\"permission\":0,") != NULL, "%s", out);
	free(out);
	free(exe);
	temp_dir_remove(dir);
}

Test(run_qemu, aarch64_program_on_aarch64, .init = time_limit_120s)
{
	cross("aarch64-linux-gnu-gcc", "qemu-aarch64", "aarch64");
}

/*
 * replacement opt (from a config's os: block) needs every later access at its
 * first eviction, which a live program has not made yet: run started the
 * program, replayed one fetch and stopped with "page fault at 0x...:
 * replacement opt needs the future" (and, with --save-trace, hung).  It is
 * refused before the program starts, saying what to do instead.
 */
Test(run_qemu, replacement_opt_is_refused_before_the_program_runs)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *config = temp_dir_path(dir, "opt.yaml"), *save = temp_dir_path(dir, "t.bin");
	FILE *f = fopen(config, "w");

	cr_assert_not_null(f);
	fputs("extends: x86_64\nos: { resident_pages: 8, replacement: opt }\n", f);
	fclose(f);
	const char *argv[] = { "--config", config, "run", "--save-trace", save, "--", "/bin/echo", "ran" };
	struct run_result r;

	cr_assert_eq(run_mmusim_limited(&r, 0, 30, 8, argv), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, "mmusim: run: replacement opt reads the whole trace before the replay, and a live "
				"program's trace does not exist yet: run with --save-trace FILE under another policy, "
				"then replay FILE with opt\n");
	cr_expect_str_eq(r.out, "");
	cr_expect_neq(access(save, F_OK), 0, "%s was written", save);
	run_result_free(&r);
	free(config);
	free(save);
	temp_dir_remove(dir);
}

Test(run_qemu, bad_options)
{
	static const struct {
		const char *argv[8];
		const char *err;
	} bad[] = {
		{ { "run", "--tracer", "pin", "--", "/bin/true" }, "mmusim: run: --tracer 'pin': qemu or valgrind\n" },
		{ { "run", "--arch", "mips", "--", "/bin/true" },
		  "mmusim: run: --arch 'mips': x86_64, riscv64, aarch64, x86_32 or riscv32\n" },
		{ { "run", "--tracer", "qemu", "--qemu-plugin", "/nonexistent.so", "--", "/bin/true" },
		  "mmusim: run: --qemu-plugin /nonexistent.so: No such file or directory\n" },
		{ { "run", "--tracer", "qemu", "--qemu", "/nonexistent/qemu", "--", "/bin/true" },
		  "mmusim: run: cannot run /nonexistent/qemu: No such file or directory (install qemu-user, or give "
		  "--qemu PATH or --tracer valgrind)\n" },
		{ { "--config", "toy", "run", "--tracer", "qemu", "--", "/bin/true" },
		  "mmusim: run: no qemu-user runs the config's architecture 'toy' (give --arch, or --tracer valgrind)\n" },
		{ { "run", "--tracer", "qemu", "--threads-to-cpus", "round-robin:0", "--", "/bin/true" },
		  "mmusim: run: --threads-to-cpus round-robin:0: round-robin:K needs K from 1 to 1024 CPUs\n" },
		{ { "run", "--tracer", "qemu", "--threads-to-cpus", "/nonexistent.map", "--", "/bin/true" },
		  "mmusim: run: --threads-to-cpus /nonexistent.map: No such file or directory (one-each, round-robin:K or "
		  "a file of 'THREAD CPU' lines)\n" },
		{ { "run", "--tracer", "valgrind", "--threads-to-cpus", "one-each", "--", "/bin/true" },
		  "mmusim: run: --threads-to-cpus needs --tracer qemu (lackey's trace does not say which thread made an "
		  "access)\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct run_result r;
		int argc = 0;
		while (bad[i].argv[argc])
			argc++;
		cr_assert_eq(run_mmusim_argv(&r, argc, bad[i].argv), 0);
		cr_expect_eq(r.status, 2, "%zu", i);
		cr_expect_str_eq(r.out, "");
		cr_expect_str_eq(r.err, bad[i].err);
		run_result_free(&r);
	}
}

Test(run_qemu, a_bad_threads_to_cpus_file_line_is_named)
{
	char *map = write_temp_file("1 2\n3 x\n", ".txt"), want[512];
	struct run_result r;

	snprintf(want, sizeof(want), "mmusim: run: --threads-to-cpus %s:2: expected 'THREAD CPU', a thread below 1048576 and a CPU below 1024\n", map);
	cr_assert_eq(run_mmusim(&r, "run", "--tracer", "qemu", "--threads-to-cpus", map, "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(map);
}

/* The plugin refuses what it cannot do, in words, and QEMU does not start the program. */
Test(run_qemu, the_plugin_refuses_bad_arguments)
{
	skip_without("qemu-x86_64");
	char plugin[512], cmd[1200];
	snprintf(plugin, sizeof(plugin), "%s", MMUSIM_BIN);
	*strrchr(plugin, '/') = 0;
	snprintf(cmd, sizeof(cmd), "qemu-x86_64 -plugin %s/mmusim-qemu-capture.so,fd=x /bin/true 2>&1 | grep -q "
		 "\"mmusim capture: bad argument 'fd=x'\"", plugin);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "qemu-x86_64 -plugin %s/mmusim-qemu-capture.so /bin/true 2>&1 | grep -q "
		 "'mmusim capture: no fd=N argument'", plugin);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
}

/* --save-trace NAME.zst/.xz/.gz: compressed by the name (its magic), and replays to the live run's numbers. */
Test(run_qemu, save_trace_compresses_by_the_name, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	static const struct {
		const char *name;
		unsigned char magic[4];
	} kinds[] = { { "t.zst", { 0x28, 0xb5, 0x2f, 0xfd } }, { "t.xz", { 0xfd, '7', 'z', 'X' } },
		      { "t.gz", { 0x1f, 0x8b, 8, 0 } }, { "t.bin", { 0x89, 'M', 'M', 'U' } } };
	char *dir = temp_dir_create(), *exe = build(dir, "pages", pages_c, "cc", "-static");

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *save = temp_dir_path(dir, kinds[i].name), *live = capture("x86_64", "qemu", save, exe, "8");
		unsigned char head[4] = { 0 };
		FILE *f = fopen(save, "rb");
		struct run_result r;

		cr_assert_not_null(f, "%s", save);
		cr_expect_eq(fread(head, 1, 4, f), 4);
		fclose(f);
		cr_expect_eq(memcmp(head, kinds[i].magic, kinds[i].name[2] == 'g' ? 3 : 4), 0, "%s", kinds[i].name);
		cr_assert_eq(run_mmusim(&r, "--json", "replay", "--demand-paging", save, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_str_eq(strstr(r.out, "\"config\""), strstr(live, "\"config\""));
		run_result_free(&r);
		free(live);
		free(save);
	}
	free(exe);
	temp_dir_remove(dir);
}

/* A program of another architecture: QEMU's own reason, then mmusim's error, never zero statistics. */
Test(run_qemu, a_program_qemu_cannot_load_is_an_error, .init = time_limit_120s)
{
	skip_without("qemu-aarch64");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "run", "--arch", "aarch64", "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect(strstr(r.err, "qemu-aarch64: /bin/true: Invalid ELF image for this architecture\n"), "%s", r.err);
	cr_expect(strstr(r.err, "mmusim: run: qemu exited with status 255 before tracing anything ('/bin/true' did not "
				"run; its reason is above)\n"), "%s", r.err);
	run_result_free(&r);
}

/*
 * QEMU splits -plugin's argument at commas: a plugin under '/opt/a,b/' was loaded
 * as '/opt/a' ("cannot open shared object file") and the program went untraced.
 */
Test(run_qemu, a_plugin_path_with_a_comma_loads, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *sub = temp_dir_path(dir, "a,b"), *copy, from[512], cmd[2048];
	struct run_result r;

	cr_assert_eq(mkdir(sub, 0755), 0);
	snprintf(from, sizeof(from), "%s", MMUSIM_BIN);
	*strrchr(from, '/') = 0;
	copy = temp_dir_path(sub, "mmusim-qemu-capture.so");
	snprintf(cmd, sizeof(cmd), "cp '%s/mmusim-qemu-capture.so' '%s'", from, copy);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	cr_assert_eq(run_mmusim(&r, "run", "--tracer", "qemu", "--qemu-plugin", copy, "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "replay of /bin/true (qemu)") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "accesses        0 ") == NULL, "nothing was traced: %s", r.out);
	run_result_free(&r);
	unlink(copy);
	rmdir(sub);
	free(copy);
	free(sub);
	temp_dir_remove(dir);
}

/* Calls time() through the x86-64 vsyscall page (0xffffffffff600400), as old static binaries do. */
static const char vsyscall_c[] =
	"#include <stdio.h>\n#include <time.h>\n"
	"int main(void) { time_t (*vt)(time_t *) = (time_t (*)(time_t *))0xffffffffff600400UL;\n"
	"  printf(\"%d\\n\", vt(NULL) > 0); return 0; }\n";

/*
 * QEMU's x86-64 user mode emulates the vsyscall page: its first instruction is
 * translated at 0xffffffffff600400, a kernel-half VA.  The plugin packed each
 * instruction's VA above its size in the callback's user data (VA << 5) and
 * lost the top five bits: the fetch was recorded at 0x07ffffffff600400, a
 * non-canonical VA, where the program never went.
 */
Test(run_qemu, a_fetch_in_the_vsyscall_page_keeps_its_kernel_half_va, .init = time_limit_120s)
{
	skip_without("qemu-x86_64");
	char *dir = temp_dir_create(), *exe = build(dir, "vsys", vsyscall_c, "cc", "-static");
	char *save = temp_dir_path(dir, "t.bin");
	char *out = capture("x86_64", "qemu", save, exe, "x");
	struct trace_reader *t;
	struct mm_error err = { 0 };
	struct trace_event ev[256];
	unsigned at_vsyscall = 0, mangled = 0;
	long n;

	cr_assert_eq(trace_reader_open(save, TRACE_FORMAT_BINARY, &t, &err), 0, "%s", err.msg);
	while ((n = trace_reader_next(t, ev, 256, &err)) > 0) {
		for (long i = 0; i < n; i++) {
			if (ev[i].op != TRACE_ACCESS || ev[i].access != ACCESS_EXEC)
				continue;
			at_vsyscall += ev[i].va == 0xffffffffff600400ull;
			mangled += (ev[i].va >> 12) == (0x07ffffffff600400ull >> 12);
		}
	}
	cr_assert_eq(n, 0, "%s", err.msg);
	trace_reader_close(t);
	cr_expect_eq(at_vsyscall, 1);
	cr_expect_eq(mangled, 0);
	/* The kernel-half page is not the program's: a not-present fault on x86_64, no non-canonical one. */
	cr_expect_eq(json_u64(strstr(out, "\"faults\""), "non-canonical"), 0, "%s", out);
	free(out);
	free(save);
	free(exe);
	temp_dir_remove(dir);
}
