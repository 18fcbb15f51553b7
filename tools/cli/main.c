/*
 * mmusim: the command line.  Parses the global options, then hands the rest
 * of argv to the subcommand.
 *
 *   mmusim [--config NAME|FILE] [--json] COMMAND ...
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_options.h"
#include "cli_output.h"
#include "commands.h"
#include "mmusim_revision.h"

static const char main_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] COMMAND [options] ...\n"
	"\n"
	"A user-space MMU simulator: page tables laid out byte for byte as the hardware\n"
	"reads them, and a walker that faults exactly where the hardware faults.\n"
	"\n"
	"commands:\n"
	"  translate [--setup TRACE] [--map 'VA PA LEN FLAGS']... [--access r|w|x]\n"
	"            [--user|--supervisor] [--explain] VA...\n"
	"                 translate VAs: PA, page size, permissions, or the fault\n"
	"  mappings  [--setup TRACE] [--map ...]...\n"
	"                 list the address space as contiguous ranges\n"
	"  replay    [--format {formats|}]\n"
	"            [--demand-paging[=SIZE]]\n"
	"            [--no-auto-flush] [--check-stale] [--warmup N] [--interval N --csv FILE] TRACE\n"
	"                 replay a trace through TLBs, page-walk caches and the walker\n"
	"  convert   [--format FMT] INPUT OUTPUT\n"
	"                 rewrite a trace in the compact binary format\n"
	"  dump      --elf FILE [--setup TRACE] [--map ...]...\n"
	"                 write physical memory as ELF64 (PT_LOAD at physical addresses)\n"
	"  explain   [--setup TRACE] [--map ...]... [--access r|w|x] [--user|--supervisor]\n"
	"            [--color=always|never|auto] VA...\n"
	"                 a VA's bit fields and its walk level by level, bit by bit\n"
	"  show      [--setup TRACE] [--map ...]... [--depth N] [--range START-END]\n"
	"            [--va VA]... [--dot | --svg FILE]\n"
	"                 the page-table tree as text, Graphviz DOT or SVG\n"
	"  report    --html FILE [--setup TRACE] [--map ...]... [--va VA]...\n"
	"            [--replay TRACE [--interval N]]\n"
	"                 one self-contained HTML page: config, tree, walks, charts\n"
	"  sweep     --config A --config B ... [--jobs N] [--csv FILE] [--emit-jobs] TRACE...\n"
	"                 replay traces on many machines, each trace read once: one table\n"
	"  merge     [--csv FILE] RESULT.json...\n"
	"                 the sweep table from separate 'replay --json' results\n"
	"  mrc       [--max-entries N] [--sets S,...] [--page-size SIZE|mapped] TRACE\n"
	"                 LRU TLB misses of every size and associativity, one pass\n"
	"  run       [replay options] [--save-trace FILE] -- PROGRAM ARGS...\n"
	"                 run PROGRAM under Valgrind lackey and replay its accesses live\n"
	"  quiz      --seed N [--arch NAME] [--count K] [--answers] [--format dump|tree]\n"
	"                 a reproducible paging exercise (default arch: toy)\n"
	"  shell     [--setup TRACE] [--map ...]...\n"
	"                 an interactive session: trace commands, translate, explain, tlb\n"
	"\n"
	"global options:\n"
	"  --config NAME|FILE   machine config: a YAML file (may say 'extends: PRESET') or a\n"
	"                       preset (default x86_64), one of:\n"
	"                       {presets}\n"
	"  --json               machine-readable output\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       translate, mappings, explain, show, report: walk the page\n"
	"                       tables in a memory image\n"
	"  --help               this text; 'mmusim COMMAND --help' for a command\n"
	"  --version            print the version and the git revision it was built from\n"
	"\n"
	"trace lines (--setup files; --map takes the fields after 'map'):\n"
	"  map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp]   FLAGS: letters of r w x u g a d\n"
	"  unmap VA LEN        protect VA LEN FLAGS      r|w|x VA (also load/store/fetch)\n"
	"  asid N   priv user|supervisor   cpu N   flush [va VA] [asid N]   stats reset\n"
	"  tlbi vmalle1|aside1|vae1|vaae1|vale1|vaale1[is] [va VA] [asid N]   (Arm TLBI)\n"
	"  gmap GPA HPA LEN FLAGS   gunmap GPA LEN   gprotect GPA LEN FLAGS   (a VM's stage 2)\n"
	"  gflush [gpa GPA | all]   vm N   (a VM's host: fence stage 2; run VM N)\n"
	"  numbers are decimal or 0x-hex; LEN may end in K, M, G or T; '#' starts a comment\n"
	"\n"
	"exit status: 0 success (a fault is an answer), 2 bad input, 1 internal error\n";

/* The global options, then the command; returns the exit status. */
static int run(struct cli *cli, struct args *a)
{
	int argc = a->argc;
	char **argv = a->argv;
	int rc;

	while (a->i < argc && strncmp(argv[a->i], "--", 2) == 0) {
		if (args_help(a)) {
			cli_put_help(main_help, stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[a->i], "--version") == 0) {
			printf("mmusim %s (git %s)\n", MMUSIM_PROJECT_VERSION, MMUSIM_GIT_REVISION);
			return EXIT_OK;
		}
		int r = cli_common_option(cli, a);
		if (r < 0)
			return EXIT_BAD_INPUT;
		if (r == 0)
			return cli_usage_error("unknown option '%s' (see mmusim --help)", argv[a->i]);
	}
	if (a->i >= argc) {
		cli_put_help(main_help, stderr);
		return EXIT_BAD_INPUT;
	}
	const char *cmd = argv[a->i++];
	if (strcmp(cmd, "translate") == 0)
		rc = cmd_translate(cli, a);
	else if (strcmp(cmd, "mappings") == 0)
		rc = cmd_mappings(cli, a);
	else if (strcmp(cmd, "replay") == 0)
		rc = cmd_replay(cli, a);
	else if (strcmp(cmd, "convert") == 0)
		rc = cmd_convert(cli, a);
	else if (strcmp(cmd, "dump") == 0)
		rc = cmd_dump(cli, a);
	else if (strcmp(cmd, "explain") == 0)
		rc = cmd_explain(cli, a);
	else if (strcmp(cmd, "show") == 0)
		rc = cmd_show(cli, a);
	else if (strcmp(cmd, "report") == 0)
		rc = cmd_report(cli, a);
	else if (strcmp(cmd, "sweep") == 0)
		rc = cmd_sweep(cli, a);
	else if (strcmp(cmd, "merge") == 0)
		rc = cmd_merge(cli, a);
	else if (strcmp(cmd, "mrc") == 0)
		rc = cmd_mrc(cli, a);
	else if (strcmp(cmd, "run") == 0)
		rc = cmd_run(cli, a);
	else if (strcmp(cmd, "quiz") == 0)
		rc = cmd_quiz(cli, a);
	else if (strcmp(cmd, "shell") == 0)
		rc = cmd_shell(cli, a);
	else if (strcmp(cmd, "help") == 0) {
		cli_put_help(main_help, stdout);
		rc = EXIT_OK;
	} else
		rc = cli_usage_error("unknown command '%s' (expected translate, mappings, replay, convert, dump, "
				     "explain, show, report, sweep, merge, mrc, run, quiz or shell; "
				     "see mmusim --help)", cmd);
	return rc;
}

/*
 * A memory image (--image) is mmap'd, so a file that another program truncates while it is
 * read raises SIGBUS on the first page past its new end.  Traces are read, not mapped, and
 * report that case themselves; this catches the image, and any other mapping, with one line
 * instead of a crash.  Only async-signal-safe calls here.
 */
static void on_sigbus(int sig)
{
	static const char msg[] = "mmusim: an input file shrank or changed while it was mapped "
				  "(SIGBUS): results would be wrong, stopping\n";
	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_BAD_INPUT);
	_exit(EXIT_BAD_INPUT);
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct args a = { .argc = argc, .argv = argv, .i = 1 };
	int rc;

	struct sigaction bus = { .sa_handler = on_sigbus };

	sigemptyset(&bus.sa_mask);
	sigaction(SIGBUS, &bus, NULL);
	cli_guard_std_fds();
	/* Output that fits the buffer fails at the final flush, where errno still names the cause
	 * (a write that fails mid-way leaves only the error flag: "Input/output error"). */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	rc = run(&cli, &a);
	cli_free(&cli);
	/* Every command's output to stdout is checked here, once: a lost line is an error. */
	return cli_stdout_finish(rc);
}
