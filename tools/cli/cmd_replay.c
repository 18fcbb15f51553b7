/*
 * mmusim replay: streams a trace (text, lackey or binary) through the
 * modelled MMU and reports what happened.  A malformed or truncated trace
 * stops the replay: the statistics so far are printed, then the error, and
 * the exit status is 2.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pt/pt_arch.h"
#include "sim/elf_dump.h"
#include "sim/number.h"
#include "sim/trace.h"

#define BATCH 4096

/*
 * --dump-elf: m's memory with one root note per address space, the current one
 * first.  The same as mmusim_dump_elf, which replaces it once replay builds its
 * machine through the public API.
 */
static int dump_machine(struct machine *m, const char *path, struct mm_error *err)
{
	const struct pt_arch *arch = m->cfg.arch;
	struct elf_dump_root *roots = calloc(MACHINE_NR_ASIDS, sizeof(*roots));
	size_t nr = 0;
	int rc;

	if (!roots)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned asid = 0; asid < MACHINE_NR_ASIDS; asid++) {
			struct page_table *pt = m->by_asid[asid];
			if (!pt || (pass == 0) != (asid == m->asid))
				continue;
			snprintf(roots[nr].name, sizeof(roots[nr].name), "asid%u", asid);
			roots[nr].root = pt_root(pt);
			roots[nr].reg = arch->encode_root_reg(&m->cfg.pc, pt_root(pt), (uint16_t)asid);
			nr++;
		}
	}
	rc = elf_dump_write(path, m->pm, arch->elf_machine, roots, nr, err);
	free(roots);
	return rc;
}

static const char replay_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] replay [options] TRACE\n"
	"\n"
	"Replays TRACE through the TLBs, paging-structure caches and page walker of the\n"
	"configured machine and prints TLB / walk / fault statistics.\n"
	"\n"
	"options:\n"
	"  --format FMT         auto (default: detected), text, lackey, binary, champsim,\n"
	"                       din or pinatrace; .gz, .xz and .zst input is read as is\n"
	"  --demand-paging[=4K|2M|1G]         map a fresh frame on a not-present fault in the\n"
	"                       user range (rw for data, rx for fetches; default size 4K;\n"
	"                       a larger size when the whole region is unmapped)\n"
	"  --no-auto-flush      map/unmap/protect do not flush TLBs: stale translations stay\n"
	"  --check-stale        count TLB hits that disagree with the page table\n"
	"  --interval N --csv FILE   every N accesses, a CSV row: miss rate per TLB,\n"
	"                       walks, faults\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables before the replay\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V]\n"
	"                       replay over the page tables inside a memory image instead\n"
	"  --dump-elf FILE      at the end, write physical memory as ELF64 (see mmusim dump)\n"
	"  --no-progress        no progress bar (shown on a terminal for long replays)\n"
	"  --json               one JSON object instead of the table\n"
	"\n"
	"trace commands beyond map/unmap/protect/r/w/x: asid N, priv user|supervisor,\n"
	"cpu N, flush [va VA] [asid N].  Lackey: valgrind --tool=lackey --trace-mem=yes.\n";

struct replay_args {
	const char *trace;
	enum trace_format format;
	struct replay_options opt;
	const char *csv;
	const char *dump_elf;
	bool progress;
};

static int parse_replay_args(struct cli *cli, struct args *a, struct replay_args *ra, bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (trace_format_parse(v, &ra->format) != 0)
				return cli_usage_error("bad --format '%s' (expected auto, text, lackey, binary, champsim, din or pinatrace)", v);
			continue;
		}
		if (strcmp(arg, "--demand-paging") == 0) {
			ra->opt.demand_page_size = 1; /* the base page, resolved with the config */
			a->i++;
			continue;
		}
		if (strncmp(arg, "--demand-paging=", 16) == 0) {
			uint64_t size;
			if (number_parse(arg + 16, true, &size) != NUMBER_OK || !size || (size & (size - 1)))
				return cli_usage_error("bad --demand-paging size '%s' (expected 4K, 2M or 1G)", arg + 16);
			ra->opt.demand_page_size = size;
			a->i++;
			continue;
		}
		if (args_flag(a, "--no-auto-flush")) { ra->opt.no_auto_flush = true; continue; }
		if (args_flag(a, "--check-stale")) { ra->opt.check_stale = true; continue; }
		if (args_flag(a, "--no-progress")) { ra->progress = false; continue; }
		if ((r = args_value(a, "--interval", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (number_parse(v, true, &ra->opt.interval) != NUMBER_OK || !ra->opt.interval)
				return cli_usage_error("bad --interval '%s' (expected a positive number of accesses)", v);
			continue;
		}
		if ((r = args_value(a, "--dump-elf", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			ra->dump_elf = v;
			continue;
		}
		if ((r = args_value(a, "--csv", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			ra->csv = v;
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			return cli_usage_error("replay: unknown option '%s' (see mmusim replay --help)", arg);
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
	return EXIT_OK;
}

/* Checks --demand-paging's size against the machine: the base page or a leaf size. */
int cli_resolve_demand_size(const struct machine *m, struct replay_options *opt, struct mm_error *err)
{
	const struct paging_consts *pc = &m->cfg.pc;

	if (opt->demand_page_size == 1)
		opt->demand_page_size = pc->base_page_size;
	if (!opt->demand_page_size)
		return MM_OK;
	for (unsigned level = 1; level <= pc->highest_translation_level; level++)
		if (pc_page_size(pc, level) == opt->demand_page_size)
			return MM_OK;
	return mm_error_set(err, MM_EINVAL, "--demand-paging size %llu is not a page size of %s",
			    (unsigned long long)opt->demand_page_size, m->cfg.name);
}

struct progress {
	bool on;
	uint64_t total;
	struct timespec last;
	int shown;
};

static void progress_update(struct progress *p, uint64_t done)
{
	struct timespec now;
	int pct;

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

int cmd_replay(struct cli *cli, struct args *a)
{
	struct replay_args ra = { .format = TRACE_FORMAT_AUTO, .progress = true };
	struct machine *m = NULL;
	struct view view;
	bool have_view = false;
	struct trace_reader *rd = NULL;
	struct replay r;
	bool help = false, replay_ready = false;
	struct trace_event *ev = NULL;
	struct mm_error err = { 0 }, trace_err = { 0 };
	FILE *csv = NULL;
	int rc;

	if ((rc = parse_replay_args(cli, a, &ra, &help)) != EXIT_OK)
		return rc;
	if (help) {
		fputs(replay_help, stdout);
		return EXIT_OK;
	}
	if (cli->image) {
		/* Replay over the page tables of an image: nothing can be allocated there. */
		if (ra.opt.demand_page_size || ra.dump_elf) {
			rc = cli_usage_error("replay: --demand-paging and --dump-elf need simulated memory, not an --image");
			goto out;
		}
		if (cli_open_view(cli, &view, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
		have_view = true;
		if (machine_attach(&view.cfg, &view.img_mem, view.root, &m, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
	} else if (cli_build_machine(cli, &m, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (cli_resolve_demand_size(m, &ra.opt, &err) || trace_reader_open(ra.trace, ra.format, &rd, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (ra.csv && !(csv = fopen(ra.csv, "w"))) {
		rc = cli_usage_error("%s: cannot create: %s", ra.csv, strerror(errno));
		goto out;
	}
	ra.opt.interval_out = csv;
	if (!(ev = malloc(BATCH * sizeof(*ev))) || replay_init(&r, m, &ra.opt, ra.trace, &err)) {
		rc = ev ? cli_fail(&err) : EXIT_INTERNAL;
		goto out;
	}
	replay_ready = true;

	struct progress prog = { .on = ra.progress && isatty(2), .total = trace_reader_size(rd), .shown = -1 };
	clock_gettime(CLOCK_MONOTONIC, &prog.last);
	long n;
	rc = EXIT_OK;
	while ((n = trace_reader_next(rd, ev, BATCH, &trace_err)) > 0) {
		if (replay_events(&r, ev, (size_t)n, &err)) {
			rc = EXIT_BAD_INPUT;
			break;
		}
		progress_update(&prog, trace_reader_offset(rd));
	}
	progress_end(&prog);
	if (n < 0)
		rc = EXIT_BAD_INPUT;
	replay_finish(&r);
	struct replay_report_info info = { .trace = ra.trace, .format = trace_format_name(trace_reader_format(rd)) };
	/* Statistics so far first, even when the trace was bad: they are still true. */
	replay_report(stdout, cli->json, &r, &info);
	if (n < 0)
		cli_fail(&trace_err);
	else if (rc != EXIT_OK)
		cli_fail(&err);
	else if (ra.dump_elf && dump_machine(m, ra.dump_elf, &err))
		rc = cli_fail(&err);
out:
	if (replay_ready)
		replay_fini(&r);
	if (csv && fclose(csv) != 0 && rc == EXIT_OK)
		rc = cli_usage_error("%s: write error", ra.csv);
	free(ev);
	trace_reader_close(rd);
	machine_destroy(m);
	if (have_view)
		cli_close_view(&view);
	return rc;
}
