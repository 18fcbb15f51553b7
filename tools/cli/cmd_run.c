/*
 * mmusim run: live capture.  Runs PROGRAM under qemu-user with mmusim's
 * capture plugin (binary trace, run_qemu.c) or under Valgrind lackey
 * (--tool=lackey --trace-mem=yes, text), the tracer's output going into a
 * pipe, and replays the accesses as they stream out of it: no trace file is
 * written unless --save-trace asks for a copy (a thread then tees the pipe
 * into the file).  The program keeps mmusim's stdin, stdout and stderr; the
 * statistics come after it exits.
 *
 * Demand paging is on by default (a live program's addresses have no map
 * lines), with the base page unless --demand-paging=SIZE says otherwise.
 */
#define _GNU_SOURCE /* pipe2 */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "replay_report.h"
#include "run_qemu.h"
#include "run_shebang.h"
#include "threads_to_cpus.h"


#define TEE_BUF (256u * 1024u)

static const char run_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] run [options] -- PROGRAM [ARGS...]\n"
	"\n"
	"Runs PROGRAM under a tracer (QEMU user mode with mmusim's capture plugin, or\n"
	"Valgrind lackey) and replays its memory accesses through the configured MMU as\n"
	"they happen (through a pipe: no trace file), then prints the statistics as\n"
	"mmusim replay does.\n"
	"\n"
	"options:\n"
	"  --demand-paging[=4K|2M|1G]   page size for the frames mapped on first touch\n"
	"                       (demand paging is always on for run; default the base page)\n"
	"  --no-auto-flush, --check-stale, --warmup N, --setup TRACE, --map LINE\n"
	"                       as for replay\n"
	"  --tracer qemu|valgrind  qemu: qemu-ARCH -plugin (fast, binary, threads as CPUs);\n"
	"                       valgrind: lackey.  Default qemu when qemu-ARCH and the\n"
	"                       plugin are found, else valgrind\n"
	"  --arch ARCH          the program's architecture for qemu: x86_64, riscv64,\n"
	"                       aarch64, x86_32, riscv32 (default: the config's)\n"
	"  --qemu PATH          the qemu-user binary (default: qemu-ARCH from PATH)\n"
	"  --qemu-plugin PATH   the capture plugin (default: next to mmusim, else installed)\n"
	"  --threads-to-cpus one-each|round-robin:K|FILE\n"
	"                       (qemu) the CPU each thread's accesses replay on: its own\n"
	"                       (thread N on CPU N, the default), thread N on N mod K, or\n"
	"                       as FILE's 'THREAD CPU' lines say (others: their own)\n"
	"  --save-trace FILE    also write the trace (binary for qemu, lackey text for\n"
	"                       valgrind) to FILE, compressed if it ends .gz/.xz/.zst\n"
	"  --valgrind PATH      the valgrind to run (default: valgrind from PATH; implies\n"
	"                       --tracer valgrind)\n";

enum tracer { TRACER_DEFAULT, TRACER_QEMU, TRACER_VALGRIND };

struct run_args {
	mmusim_mmu_options opt;
	uint64_t warmup;            /* --warmup: accesses before the statistics reset */
	const char *save;
	const char *valgrind;
	enum tracer tracer;
	const char *arch;           /* --arch: the qemu target, else the config's */
	const char *qemu;           /* --qemu */
	const char *qemu_plugin;    /* --qemu-plugin */
	char *plugin;               /* the plugin found (malloc'd) */
	const char *threads_to_cpus; /* --threads-to-cpus */
	struct threads_to_cpus threads; /* its mapping, applied by the replay */
	char *prog_path;            /* PROGRAM as found in PATH (malloc'd): qemu does not search PATH */
	char **prog;                /* PROGRAM ARGS..., NULL-terminated (argv's own end) */
	char reserved_va[24];       /* qemu: QEMU_RESERVED_VA for the config's user half, or "" */
};

static int parse_run_args(struct cli *cli, struct args *a, struct run_args *ra, bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (strcmp(arg, "--") == 0) {
			a->i++;
			break;
		}
		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = cli_replay_option(a, NULL, &ra->opt, &ra->warmup)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (args_flag(a, "--no-progress"))
			continue;
		if ((r = args_value(a, "--tracer", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (strcmp(v, "qemu") == 0)
				ra->tracer = TRACER_QEMU;
			else if (strcmp(v, "valgrind") == 0)
				ra->tracer = TRACER_VALGRIND;
			else
				return cli_usage_error("run: --tracer '%s': qemu or valgrind", v);
			continue;
		}
		if ((r = args_value(a, "--arch", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (!run_qemu_binary(v))
				return cli_usage_error("run: --arch '%s': x86_64, riscv64, aarch64, x86_32 or riscv32", v);
			ra->arch = v;
			continue;
		}
		if ((r = args_value(a, "--qemu", &ra->qemu)) != 0 || (r = args_value(a, "--qemu-plugin", &ra->qemu_plugin)) != 0 ||
		    (r = args_value(a, "--threads-to-cpus", &ra->threads_to_cpus)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--save-trace", &v)) != 0 || (r = args_value(a, "--valgrind", &ra->valgrind)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (strncmp(arg, "--save-trace", 12) == 0)
				ra->save = v;
			continue;
		}
		if ((r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		return cli_usage_error("run: unknown option '%s' (the program goes after '--'; see mmusim run --help)",
				       arg);
	}
	if (a->i >= a->argc)
		return cli_usage_error("run: no program given (usage: mmusim run [options] -- PROGRAM [ARGS...])");
	if (cli->image)
		return cli_usage_error("run: --image is not supported (demand paging needs simulated memory)");
	ra->prog = a->argv + a->i;
	return EXIT_OK;
}

/* The --save-trace copy: everything from `from` goes to `sink` (the file) and to `to`. */
struct tee {
	int from, to, file;
	mmusim_compressor *sink;  /* compresses into file by its name */
	bool write_failed;
	int write_errno;          /* why, once write_failed */
	pthread_t thread;
};

static void *tee_main(void *arg)
{
	struct tee *t = arg;
	char *buf = malloc(TEE_BUF);
	mmusim_compressor *pipe = mmusim_compressor_open("", t->to); /* no suffix: as it comes */
	sigset_t pipe_sig;
	ssize_t k;

	/* If the replay stops early its end of the pipe closes: EPIPE here, not a dead mmusim. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);

	while (buf && pipe && ((k = read(t->from, buf, TEE_BUF)) > 0 || (k < 0 && errno == EINTR))) {
		if (k < 0)
			continue;
		if (!t->write_failed && !mmusim_compressor_write(t->sink, buf, (size_t)k)) {
			t->write_failed = true;
			t->write_errno = errno;
		}
		if (!mmusim_compressor_write(pipe, buf, (size_t)k))
			break; /* the replay stopped reading */
	}
	free(buf);
	mmusim_compressor_free(pipe);
	close(t->to); /* the reader sees the end */
	return NULL; /* the run finishes the copy (tee_finish): it may have an end record to add */
}

/*
 * Closes the tracer's end of the --save-trace copy once its thread is done.
 * The thread stops reading when the replay stops (an error, out of simulated
 * memory): were the pipe left open, the tracer would block on it when full
 * and run would wait for the tracer for ever; closed, the tracer gets EPIPE.
 */
static void close_tracer_pipe(struct tee *t)
{
	if (t->from >= 0)
		close(t->from);
	t->from = -1;
}

/* The binary format's end record (traces/README.md): tag 0x8f, then the record count as a LEB128 varint. */
static unsigned char *binary_end_record(unsigned char *p, unsigned long long records)
{
	*p++ = 0x8f;
	for (; records >= 0x80; records >>= 7)
		*p++ = (unsigned char)(records | 0x80);
	*p++ = (unsigned char)records;
	return p;
}

/* Ends the --save-trace copy, with `extra` bytes after what the tracer wrote. */
static void tee_finish(struct tee *t, const unsigned char *extra, size_t n)
{
	if (!t->sink)
		return;
	if (!t->write_failed && n && !mmusim_compressor_write(t->sink, extra, n)) {
		t->write_failed = true;
		t->write_errno = errno;
	}
	if (!t->write_failed && !mmusim_compressor_finish(t->sink)) {
		t->write_failed = true;
		t->write_errno = errno;
	} else if (t->write_failed) {
		mmusim_compressor_free(t->sink);
	}
	t->sink = NULL;
}

/* Why path cannot be executed (NULL if it can): what execve would refuse it for. */
static const char *not_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "it is a directory";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (access(path, X_OK) != 0)
		return "not executable";
	return NULL;
}

/*
 * valgrind reports a program it cannot start on the program's own stderr and
 * exits 126 or 127, which reads like the program's own failure.  So the
 * program is looked up first, as execvp will (a name with a slash is a path,
 * else each PATH folder in turn, an empty one meaning the current folder),
 * and its problem is the error.
 */
static int program_check(const char *prog, char **found, mmusim_error *err)
{
	const char *why = NULL, *path = getenv("PATH");
	size_t len = strlen(prog);

	if (strchr(prog, '/')) {
		if ((why = not_runnable(prog)))
			return cli_set_error(err, MMUSIM_EINVAL, "run: cannot run '%s': %s", prog, why);
		/* qemu and valgrind read a path starting with '-' as one of their options: ./-d/prog is the same file. */
		*found = malloc(len + 3);
		if (!*found)
			return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
		snprintf(*found, len + 3, "%s%s", prog[0] == '-' ? "./" : "", prog);
		return MMUSIM_OK;
	}
	if (!prog[0])
		return cli_set_error(err, MMUSIM_EINVAL, "run: cannot run '': an empty program name");
	for (const char *dir = path ? path : "/bin:/usr/bin";;) {
		size_t n = strcspn(dir, ":");
		char *full = malloc(n + len + 5);
		if (!full)
			return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
		snprintf(full, n + len + 5, "%s%.*s/%s", n && dir[0] == '-' ? "./" : "", n ? (int)n : 1, n ? dir : ".", prog);
		const char *w = not_runnable(full);
		/* execvp goes on past a file it may not run, and reports that (EACCES) if nothing else is found. */
		if (w && access(full, F_OK) == 0 && !why)
			why = w;
		if (!w) {
			*found = full;
			return MMUSIM_OK;
		}
		free(full);
		if (!dir[n])
			break;
		dir += n + 1;
	}
	return cli_set_error(err, MMUSIM_EINVAL, "run: cannot run '%s': %s", prog, why ? why : "not found in PATH");
}

static void free_tracer_argv(char **argv, bool qemu)
{
	for (int i = 0; qemu && i < 3; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Starts the tracer (valgrind with lackey, or qemu with the plugin) writing
 * to a pipe.  Returns the read end in
 * *out and the child in *pid, or an error.  An exec failure comes back
 * through a close-on-exec pipe, so "valgrind is not installed" is told apart
 * from anything the program does.
 */
static int start_tracer(const struct run_args *ra, pid_t *pid, int *out, mmusim_error *err)
{
	int trace[2], status[2], e = 0, argc = 0;
	char logfd[32];
	bool qemu = ra->tracer == TRACER_QEMU;
	const char *vg = qemu ? ra->qemu : ra->valgrind ? ra->valgrind : "valgrind";
	char **argv, *interp = NULL, *interp_arg = NULL; /* a '#!' script's, for qemu */
	ssize_t k;

	while (ra->prog[argc])
		argc++;
	if (pipe2(trace, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0)
		return cli_set_error(err, MMUSIM_EIO, "run: cannot create a pipe: %s", strerror(errno));
	if (qemu) {
		if (run_shebang(ra->prog_path, &interp, &interp_arg, err)) {
			close(trace[0]), close(trace[1]), close(status[0]), close(status[1]);
			return MMUSIM_EINVAL;
		}
		/* A script runs as the kernel runs it: INTERPRETER [ARG] SCRIPT ARGS... */
		char *path_prog[4] = { ra->prog_path, NULL }, **script = path_prog;
		if (interp)
			script[0] = interp, script[1] = interp_arg ? interp_arg : ra->prog_path,
			script[2] = interp_arg ? ra->prog_path : NULL;
		int lead = 1 + (interp != NULL) + (interp_arg != NULL);
		/* qemu takes the program's path, its arguments after; argv[0] is the path too. */
		/* Thread records, mapped to CPUs by the replay: a saved trace keeps the thread ids. */
		char **qargv = run_qemu_argv(vg, ra->plugin, trace[1], "threads=on", path_prog);
		if (qargv && (argv = calloc((size_t)argc + 3 + (size_t)lead, sizeof(*argv)))) {
			memcpy(argv, qargv, (size_t)(3 + lead) * sizeof(*argv));
			memcpy(argv + 3 + lead, ra->prog + 1, (size_t)(argc - 1) * sizeof(*argv));
			free(qargv);
			qargv = NULL;
		} else {
			argv = NULL;
		}
		if (qargv)
			run_qemu_argv_free(qargv);
	} else if ((argv = calloc((size_t)argc + 6, sizeof(*argv)))) {
		snprintf(logfd, sizeof(logfd), "--log-fd=%d", trace[1]);
		argv[0] = (char *)vg;
		argv[1] = "--tool=lackey";
		argv[2] = "--trace-mem=yes";
		argv[3] = logfd;
		/* A forked child would write its accesses into the same pipe, replayed as the parent's. */
		argv[4] = "--child-silent-after-fork=yes";
		memcpy(argv + 5, ra->prog, (size_t)argc * sizeof(*argv));
		/* valgrind reads a word starting with '-' before the program as its own option. */
		if (ra->prog[0][0] == '-')
			argv[5] = ra->prog_path;
	}
	if (!argv) {
		free(interp), free(interp_arg);
		close(trace[0]), close(trace[1]), close(status[0]), close(status[1]);
		return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	}
	fflush(stdout);
	fflush(stderr);
	*pid = fork();
	if (*pid == 0) {
		/* The child: only the lackey pipe's write end survives exec. */
		fcntl(trace[1], F_SETFD, 0);
		if (qemu && ra->reserved_va[0])
			setenv("QEMU_RESERVED_VA", ra->reserved_va, 0); /* the user's own setting wins */
		execvp(vg, argv);
		e = errno;
		free_tracer_argv(argv, qemu); /* the child exits without returning: nothing else would */
		if (write(status[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free_tracer_argv(argv, qemu);
	free(interp), free(interp_arg);
	close(trace[1]);
	close(status[1]);
	if (*pid < 0) {
		close(trace[0]);
		close(status[0]);
		return cli_set_error(err, MMUSIM_EIO, "run: cannot fork: %s", strerror(errno));
	}
	while ((k = read(status[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(status[0]);
	if (k == sizeof(e)) {
		waitpid(*pid, NULL, 0);
		close(trace[0]);
		return cli_set_error(err, MMUSIM_EINVAL, "run: cannot run %s: %s%s", vg, strerror(e),
				     e != ENOENT ? "" : qemu ? " (install qemu-user, or give --qemu PATH or --tracer valgrind)"
							     : " (install valgrind, or give --valgrind PATH)");
	}
	*out = trace[0];
	return MMUSIM_OK;
}

/*
 * Picks the tracer: --tracer, else valgrind when --valgrind is given, else
 * qemu when there is a qemu-user for the architecture and the plugin is
 * found, else valgrind (a build without QEMU keeps working as before).
 */
static int choose_tracer(struct run_args *ra, const char *config_arch, mmusim_error *err)
{
	const char *arch = ra->arch ? ra->arch : config_arch;
	const char *qemu = ra->qemu ? ra->qemu : run_qemu_binary(arch);

	if (ra->tracer == TRACER_DEFAULT) {
		mmusim_error ignored = { 0 };
		ra->tracer = TRACER_VALGRIND;
		if (!ra->valgrind && qemu && run_qemu_in_path(qemu) &&
		    run_qemu_plugin(ra->qemu_plugin, &ra->plugin, &ignored) == MMUSIM_OK)
			ra->tracer = TRACER_QEMU;
	}
	if (ra->tracer == TRACER_VALGRIND) {
		if (ra->threads_to_cpus)
			return cli_set_error(err, MMUSIM_EINVAL, "run: --threads-to-cpus needs --tracer qemu (lackey's "
					     "trace does not say which thread made an access)");
		return MMUSIM_OK;
	}
	if (!qemu)
		return cli_set_error(err, MMUSIM_EINVAL,
				     "run: no qemu-user runs the config's architecture '%s' (give --arch, or --tracer "
				     "valgrind)", arch);
	ra->qemu = qemu;
	if (ra->threads_to_cpus &&
	    threads_to_cpus_parse("run", ra->threads_to_cpus, MMUSIM_MAX_CPUS, &ra->threads, err))
		return err->code;
	return ra->plugin ? MMUSIM_OK : run_qemu_plugin(ra->qemu_plugin, &ra->plugin, err);
}

int cmd_run(struct cli *cli, struct args *a)
{
	struct run_args ra = { 0 };
	mmusim_machine *m = NULL;
	mmusim_mmu *mmu = NULL;
	mmusim_trace *rd = NULL;
	struct tee tee = { .from = -1, .file = -1 };
	mmusim_output *save = NULL;
	bool help = false, tee_started = false;
	mmusim_error err = { 0 };
	pid_t pid = -1;
	int rc, fd = -1, status = 0;
	char name[160];

	if ((rc = parse_run_args(cli, a, &ra, &help)) != EXIT_OK)
		return rc;
	if (help) {
		fputs(run_help, stdout);
		return EXIT_OK;
	}
	if (!ra.opt.demand_page_size)
		ra.opt.demand_page_size = 1; /* the base page */
	if (cli_build_machine(cli, &m, &err) || cli_demand_page_size(mmusim_machine_config(m), &ra.opt, &err) ||
	    program_check(ra.prog[0], &ra.prog_path, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	/* Standard output carries the program's own output, then the report: a trace there would be neither. */
	if ((rc = cli_output_not_stdout("run", "--save-trace", ra.save, "the trace",
					"program's output and the report")) != EXIT_OK)
		goto out;
	if (ra.save) {
		/* The program (as PATH finds it) and run's other inputs are not for overwriting with the trace. */
		const char *inputs[] = { ra.prog_path, ra.threads_to_cpus, ra.valgrind, ra.qemu, ra.qemu_plugin };
		if ((rc = cli_output_open(cli, ra.save, inputs, sizeof(inputs) / sizeof(inputs[0]), &save)) != EXIT_OK)
			goto out;
		tee.file = mmusim_output_fd(save);
		if (!(tee.sink = mmusim_compressor_open(ra.save, tee.file))) {
			rc = cli_usage_error("run: --save-trace %s: cannot start its compressor", ra.save);
			goto out;
		}
	}
	snprintf(name, sizeof(name), "%s", ra.prog[0]);
	if (cli_mmu_create(m, &ra.opt, ra.warmup, &mmu, &err) ||
	    choose_tracer(&ra, mmusim_config_arch(mmusim_machine_config(m)), &err) ||
	    threads_to_cpus_apply(&ra.threads, mmu, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (mmusim_mmu_needs_future(mmu)) {
		/* OPT needs every later access at its first eviction; a live program has not made them yet. */
		rc = cli_usage_error("run: replacement opt reads the whole trace before the replay, and a live "
				     "program's trace does not exist yet: run with --save-trace FILE under another "
				     "policy, then replay FILE with opt");
		goto out;
	}
	run_qemu_reserved_va(mmusim_machine_config(m), ra.arch ? ra.arch : mmusim_config_arch(mmusim_machine_config(m)),
			     ra.reserved_va);
	if (start_tracer(&ra, &pid, &fd, &err)) {
		pid = -1;
		rc = cli_fail(&err);
		goto out;
	}
	if (ra.save) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0) {
			rc = cli_usage_error("run: cannot create a pipe: %s", strerror(errno));
			goto out;
		}
		tee.from = fd;
		tee.to = p[1];
		fd = p[0];
		if (pthread_create(&tee.thread, NULL, tee_main, &tee) != 0) {
			close(p[1]);
			rc = cli_usage_error("run: cannot start the --save-trace thread");
			goto out;
		}
		tee_started = true;
	}
	if (mmusim_trace_open_fd(fd, name, ra.tracer == TRACER_QEMU ? MMUSIM_TRACE_BINARY : MMUSIM_TRACE_LACKEY, &rd,
				 &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	/* A malformed trace or a refused edit stops the replay; the counts so far stand. */
	rc = mmusim_mmu_replay(mmu, rd, &err) ? EXIT_BAD_INPUT : EXIT_OK;
	uint64_t trace_bytes = 0;
	mmusim_trace_progress(rd, &trace_bytes, NULL);
	/* Whatever stopped the replay, the program must not block on a full pipe. */
	mmusim_trace_close(rd);
	rd = NULL;
	close(fd);
	fd = -1;
	if (tee_started) {
		pthread_join(tee.thread, NULL);
		tee_started = false;
	}
	/* The copying thread stops when the replay does, maybe before the tracer's end: no reader may stay. */
	close_tracer_pipe(&tee);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	mmusim_stats stats;
	uint64_t warmup, warmup_left;
	mmusim_mmu_stats(mmu, &stats);
	mmusim_mmu_warmup_state(mmu, &warmup, &warmup_left);
	/* A warm-up that ended zeroed the counts: its accesses were traced all the same. */
	bool traced = stats.accesses[MMUSIM_READ] | stats.accesses[MMUSIM_WRITE] | stats.accesses[MMUSIM_EXEC] ||
		      (warmup && !warmup_left);
	if (!traced && (rc == EXIT_OK || trace_bytes == 0)) {
		/*
		 * Not one access traced: a report of zeros would read as a result.
		 * The program never ran (the tracer said why on stderr), or the
		 * tracer ran and wrote no trace (an empty one is no "truncated
		 * header" of a file named after the program): --valgrind or --qemu
		 * named something else, or a lackey or plugin that traced nothing.
		 */
		const char *tracer = ra.tracer == TRACER_QEMU ? "qemu" : "valgrind";
		if (WIFSIGNALED(status))
			rc = cli_usage_error("run: %s was killed by signal %d before tracing anything ('%s' did "
					     "not run)", tracer, WTERMSIG(status), ra.prog[0]);
		else if (WEXITSTATUS(status) != 0)
			rc = cli_usage_error("run: %s exited with status %d before tracing anything ('%s' did not "
					     "run; its reason is above)", tracer, WEXITSTATUS(status), ra.prog[0]);
		else if (ra.tracer == TRACER_QEMU)
			rc = cli_usage_error("run: qemu exited with status 0 but traced no access of '%s': no statistics "
					     "(does '%s' load mmusim's capture plugin?)", ra.prog[0], ra.qemu);
		else
			rc = cli_usage_error("run: valgrind exited with status 0 but traced no access of '%s': no "
					     "statistics (is '%s' valgrind, running lackey?)", ra.prog[0],
					     ra.valgrind ? ra.valgrind : "valgrind");
		goto out;
	}
	bool cut_by_signal = rc != EXIT_OK && ra.tracer == TRACER_QEMU && WIFSIGNALED(status) &&
			     strstr(err.message, "truncated: no end record after");
	unsigned char end[16], *end_stop = end;
	if (cut_by_signal) {
		rc = EXIT_OK; /* the trace is whole up to the program's death; the counts stand */
		/* The saved copy gets the end record QEMU could not write, so that it replays as this run did. */
		const char *after = strstr(err.message, "no end record after ");
		end_stop = binary_end_record(end, strtoull(after + strlen("no end record after "), NULL, 10));
	}
	tee_finish(&tee, end, (size_t)(end_stop - end));
	mmusim_mmu_finish(mmu);
	struct replay_summary sum;
	struct replay_report_info info = { .trace = name, .format = ra.tracer == TRACER_QEMU ? "qemu" : "lackey" };
	replay_summary_from_mmu(&sum, mmu, mmusim_machine_config(m), ra.opt.check_stale);
	replay_summary_report(stdout, cli->json, &sum, &info);
	if (cut_by_signal)
		fprintf(stderr,
			"mmusim: run: %s was killed by signal %d (%s): the trace stops at about its last system call "
			"before that (up to 4096 accesses before it may be missing)\n",
			ra.prog[0], WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (rc == EXIT_OK)
		replay_warmup_note(stderr, name, NULL, &sum);
	if (rc != EXIT_OK)
		cli_fail(&err);
	else if (tee.write_failed) {
		fprintf(stderr, "mmusim: %s: write error: %s\n", ra.save, strerror(tee.write_errno));
		rc = EXIT_INTERNAL;
	}
out:
	mmusim_trace_close(rd);
	if (fd >= 0)
		close(fd);
	if (tee_started)
		pthread_join(tee.thread, NULL);
	close_tracer_pipe(&tee);
	mmusim_compressor_free(tee.sink); /* not finished: the run failed */
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* Saved only when the run succeeded: a cut-off copy would pass for the whole trace. */
	rc = cli_output_finish(save, rc);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	free(ra.plugin);
	threads_to_cpus_free(&ra.threads);
	free(ra.prog_path);
	return rc;
}
