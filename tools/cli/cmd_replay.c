/*
 * mmusim replay: streams a trace (text, lackey or binary) through the
 * modelled MMU and reports what happened.  A malformed or truncated trace
 * stops the replay: the statistics so far are printed, then the error, and
 * the exit status is 2.
 */
#include "commands.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "replay_report.h"
#include "threads_to_cpus.h"

static const char replay_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] replay [options] TRACE\n"
	"\n"
	"Replays TRACE through the TLBs, paging-structure caches and page walker of the\n"
	"configured machine and prints TLB / walk / fault statistics.\n"
	"\n"
	"options:\n"
	"  --format FMT         {formats}\n"
	"                       (default auto: detected); .gz, .xz and .zst input is read\n"
	"                       as is\n"
	"  --demand-paging[=4K|2M|1G]         map a fresh frame on a not-present fault in the\n"
	"                       user range (rwx user page; default size 4K; a larger size\n"
	"                       when the whole region is unmapped)\n"
	"  --no-auto-flush      map/unmap/protect do not flush TLBs: stale translations stay\n"
	"  --check-stale        count TLB hits that disagree with the page table\n"
	"  --warmup N           reset the statistics after the first N accesses (the TLBs\n"
	"                       and caches stay warm; a trace of N or fewer: a note)\n"
	"  --interval N --csv FILE   every N accesses, a CSV row: miss rate per TLB,\n"
	"                       walks, faults\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables before the replay\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       replay over the page tables inside a memory image instead\n"
	"  --resident-pages N   at most N user pages resident (the OS layer: page-table\n"
	"                       nodes do not count); a fault past it evicts one\n"
	"  --replacement fifo|lru|clock|opt|random   the victim (default fifo; opt needs\n"
	"                       a trace file, not stdin)\n"
	"  --seed S             random: the generator's seed (default 1)\n"
	"  --clock-flush, --no-clock-flush   clock: flush a page's TLB entries when its\n"
	"                       A bit is cleared (default), or leave them\n"
	"  --dump-elf FILE      at the end, write physical memory as ELF64 (see mmusim dump)\n"
	"  --log FILE           one JSON line per translation: the TLB, PWC probes, PTE\n"
	"                       addresses and data-cache levels, cycles, result\n"
	"  --threads-to-cpus one-each|round-robin:K|FILE\n"
	"                       the CPU each 'thread N' of the trace runs on: CPU N\n"
	"                       (default), N % K, or FILE's 'THREAD CPU' lines\n"
	"  --no-progress        no progress bar (shown on a terminal for long replays)\n"
	"  --json               one JSON object instead of the table\n"
	"\n"
	"trace commands beyond map/unmap/protect/r/w/x: asid N, priv user|supervisor,\n"
	"cpu N, flush [va VA] [asid N], tlbi OP [va VA] [asid N] (Arm: vmalle1, aside1,\n"
	"vae1, vaae1, vale1, vaale1, each also with 'is'), stats reset, mmap VA LEN FLAGS\n"
	"[shared], munmap VA LEN, fork CHILD_ASID, exit ASID, thread N.  Lackey:\n"
	"valgrind --tool=lackey --trace-mem=yes.\n";

struct replay_args {
	const char *trace;
	enum mmusim_trace_format format;
	mmusim_mmu_options opt;
	uint64_t warmup;            /* --warmup: accesses before the statistics reset */
	const char *csv;
	const char *dump_elf;
	const char *log;            /* --log: the per-translation JSON Lines */
	const char *threads;        /* --threads-to-cpus */
	bool progress;
};

static int parse_replay_args(struct cli *cli, struct args *a, struct replay_args *ra, bool *help)
{
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = cli_replay_option(a, &ra->format, &ra->opt, &ra->warmup)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (args_flag(a, "--no-progress")) { ra->progress = false; continue; }
		if ((r = cli_os_option(a, &ra->opt)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = cli_interval_option(a, &ra->opt.interval)) != 0 || (r = args_value(a, "--dump-elf", &ra->dump_elf)) != 0 ||
		    (r = args_value(a, "--csv", &ra->csv)) != 0 || (r = args_value(a, "--log", &ra->log)) != 0 ||
		    (r = args_value(a, "--threads-to-cpus", &ra->threads)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			return cli_unknown_option("replay", arg);
		if (ra->trace)
			return cli_usage_error("replay: more than one trace given ('%s' and '%s')", ra->trace, arg);
		ra->trace = arg;
		a->i++;
	}
	if (!ra->trace)
		return cli_usage_error("replay: no trace given (see mmusim replay --help)");
	if (ra->opt.interval && !ra->csv)
		return cli_usage_error("replay: --interval needs --csv FILE for the time series");
	if (ra->csv && !ra->opt.interval)
		return cli_usage_error("replay: --csv needs --interval N");
	if (ra->log && strcmp(ra->log, "-") == 0)
		return cli_usage_error("replay: --log - would mix the log with the report on standard output: give a file");
	return EXIT_OK;
}

struct progress {
	bool on;
	uint64_t total;
	struct timespec last;
	int shown;
};

static void progress_update(void *arg, uint64_t done, uint64_t size)
{
	struct progress *p = arg;
	struct timespec now;
	int pct;

	(void)size;

	if (!p->on || !p->total)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->last.tv_sec) * 1000000000L + (now.tv_nsec - p->last.tv_nsec) < 250000000L)
		return;
	p->last = now;
	pct = (int)(100.0 * (double)done / (double)p->total);
	if (pct == p->shown)
		return;
	p->shown = pct;
	fprintf(stderr, "\r[%-40.*s] %3d%%", pct * 40 / 100,
		"########################################", pct);
	fflush(stderr);
}

static void progress_end(struct progress *p)
{
	if (p->on && p->shown >= 0)
		fprintf(stderr, "\r%60s\r", "");
}

/* opt's future: the trace read once before it is replayed (nothing for other policies). */

int cmd_replay(struct cli *cli, struct args *a)
{
	struct replay_args ra = { .format = MMUSIM_TRACE_AUTO, .progress = true };
	mmusim_machine *m = NULL;
	mmusim_trace *t = NULL;
	mmusim_mmu *mmu = NULL;
	bool help = false;
	mmusim_error err = { 0 };
	mmusim_output *csv = NULL, *log = NULL;
	struct threads_to_cpus threads = { 0 };
	const char *inputs[1];
	int rc;

	if ((rc = parse_replay_args(cli, a, &ra, &help)) != EXIT_OK)
		return rc;
	if (help) {
		cli_put_help(replay_help, stdout);
		return EXIT_OK;
	}
	if (ra.threads && threads_to_cpus_parse("replay", ra.threads, MMUSIM_MAX_CPUS, &threads, &err))
		return cli_fail(&err);
	if (threads_to_cpus_is_file(ra.threads))
		cli->threads_map = ra.threads;
	/* Replay over the page tables of an image: nothing can be allocated there. */
	if (cli->image && (ra.opt.demand_page_size || ra.dump_elf)) {
		rc = cli_usage_error("replay: %s needs simulated memory, not an --image",
				     ra.opt.demand_page_size ? "--demand-paging" : "--dump-elf");
		goto out;
	}
	inputs[0] = ra.trace;
	if ((rc = cli_stdin_once(cli, "replay", ra.trace)) != EXIT_OK)
		goto out;
	const char *output_options[] = { "--csv", "--dump-elf", "--log" }, *outputs[] = { ra.csv, ra.dump_elf, ra.log };
	if ((rc = cli_output_not_stdout("replay", "--csv", ra.csv, "the CSV", "report")) != EXIT_OK ||
	    (rc = cli_output_not_stdout("replay", "--dump-elf", ra.dump_elf, "the ELF file", "report")) != EXIT_OK ||
	    (rc = cli_output_not_stdout("replay", "--log", ra.log, "the log", "report")) != EXIT_OK ||
	    (rc = cli_outputs_distinct("replay", output_options, outputs, 3)) != EXIT_OK ||
	    (rc = cli_output_check(cli, ra.csv, inputs, 1)) != EXIT_OK ||
	    (rc = cli_output_check(cli, ra.dump_elf, inputs, 1)) != EXIT_OK ||
	    (rc = cli_output_check(cli, ra.log, inputs, 1)) != EXIT_OK)
		goto out;
	if (cli_open_machine(cli, &m, &err) || cli_demand_page_size(mmusim_machine_config(m), &ra.opt, &err) ||
	    cli_trace_open(cli, ra.trace, ra.format, &t, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (ra.csv && (rc = cli_output_open(cli, ra.csv, inputs, 1, &csv)) != EXIT_OK)
		goto out;
	ra.opt.interval_csv = csv ? mmusim_output_stream(csv) : NULL;
	if (ra.log && (rc = cli_output_open(cli, ra.log, inputs, 1, &log)) != EXIT_OK)
		goto out;
	if (cli_mmu_create(m, &ra.opt, ra.warmup, &mmu, &err) || threads_to_cpus_apply(&threads, mmu, &err) ||
	    cli_read_future(cli, mmu, ra.trace, ra.format, "replay", &err)) {
		rc = cli_fail(&err);
		goto out;
	}

	if (log)
		mmusim_mmu_log_access_json(mmu, mmusim_output_stream(log));
	uint64_t offset, size;
	mmusim_trace_progress(t, &offset, &size);
	struct progress prog = { .on = ra.progress && isatty(2), .total = size, .shown = -1 };
	clock_gettime(CLOCK_MONOTONIC, &prog.last);
	/* A malformed trace or a refused edit stops the replay; the counts so far stand. */
	rc = mmusim_mmu_replay_progress(mmu, t, progress_update, &prog, &err) ? EXIT_BAD_INPUT : EXIT_OK;
	progress_end(&prog);
	mmusim_mmu_finish(mmu);

	struct replay_summary sum;
	struct replay_report_info info = { .trace = ra.trace, .format = mmusim_trace_format_name(mmusim_trace_format(t)),
					   .image_tables = cli->image != NULL };
	replay_summary_from_mmu(&sum, mmu, mmusim_machine_config(m), ra.opt.check_stale);
	/* Statistics so far first, even when the trace was bad: they are still true. */
	replay_summary_report(stdout, cli->json, &sum, &info);
	if (rc != EXIT_OK) {
		cli_fail(&err);
	} else {
		cli_trace_warn(t, ra.trace);
		replay_warmup_note(stderr, ra.trace, NULL, &sum);
	}
	if (rc == EXIT_OK && ra.dump_elf && mmusim_dump_elf(m, ra.dump_elf, &err))
		rc = cli_output_fail(&err);
out:
	threads_to_cpus_free(&threads);
	mmusim_mmu_destroy(mmu);
	/* A replay that failed leaves no file: a shorter time series would look complete. */
	rc = cli_output_finish(csv, rc);
	rc = cli_output_finish(log, rc);
	mmusim_trace_close(t);
	mmusim_machine_destroy(m);
	return rc;
}
