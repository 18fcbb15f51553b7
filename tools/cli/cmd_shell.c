/*
 * mmusim shell: an interactive MMU session.  The trace commands (map, unmap,
 * protect, r/w/x, asid, priv, cpu, flush, tlbi) run through an mmusim_mmu, so
 * accesses go through the TLBs and page-walk caches (each says what the MMU
 * did: shell_detail.c) and edits shoot entries down; translate, explain and
 * step (shell_step.c) walk the current address space without touching A/D
 * bits; show draws the page-table tree (shell_show.c), mappings lists the
 * mappings; tlb prints the current CPU's TLB and PWC contents.
 *
 * On a terminal, libedit gives line editing, history and tab completion of
 * command names (its native API, whose client-data slot carries our state:
 * no globals).  From a pipe, commands are read line by line without prompts,
 * for scripted demos; a failing command prints "mmusim: stdin:LINE: message"
 * and the session goes on, ending with exit status 2.
 */
#include "commands.h"

#include <errno.h>
#include <histedit.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "explain_grid.h"
#include "explain_text.h"
#include "shell_authoring.h"
#include "shell_detail.h"
#include "shell_show.h"
#include "shell_stale.h"
#include "shell_step.h"
#include "size_text.h"
#include "term_text.h"

static const char shell_help[] =
	"usage: mmusim [--config NAME|FILE] shell [--setup TRACE] [--map 'VA PA LEN FLAGS']...\n"
	"             [--demand-paging[=SIZE]] [--no-auto-flush] [--check-stale]\n"
	"             [--resident-pages N] [--replacement fifo|lru|clock|random] [--seed S]\n"
	"             [--clock-flush|--no-clock-flush]\n"
	"\n"
	"An interactive session over one machine (commands: type 'help').  Reads\n"
	"commands from a pipe too, without prompts; exit status 2 if one failed.\n"
	"The options are replay's: the TLBs' flush rules, and the OS layer (regions,\n"
	"limited memory, replacement, swap, fork), whose doings each access reports\n"
	"on a line of its own ('  os: ...'); mappings marks copy-on-write and\n"
	"swapped-out pages.  With --no-auto-flush an edit leaves the TLBs alone, so an\n"
	"access may hit a stale entry; --check-stale then says so ('  stale: ...').\n";

static const char commands_help[] =
	"commands:\n"
	"  map VA PA LEN FLAGS [cache=..]   unmap VA LEN   protect VA LEN FLAGS\n"
	"  r VA | w VA | x VA    an access through the TLBs and the walker (sets A/D)\n"
	"  asid N   priv user|supervisor   cpu N   flush [va VA] [asid N]\n"
	"  tlbi OP [va VA] [asid N]   Arm TLB maintenance: vmalle1, aside1, vae1, vaae1,\n"
	"                        vale1, vaale1, each also with 'is' (every CPU)\n"
	"  gmap GPA HPA LEN FLAGS   gunmap GPA LEN   gprotect GPA LEN FLAGS\n"
	"  gflush [gpa GPA | all]   vm N\n"
	"                        a virtual machine's stage 2, and which VM runs (configs\n"
	"                        with a stage2: block)\n"
	"  translate VA [r|w|x]  the walk's answer (A/D left alone)\n"
	"  explain VA [r|w|x]    the walk level by level\n"
	"  step VA [r|w|x]       the same walk one level at a time: the VA's fields, then\n"
	"                        one level per 'next' (also 'n', 'step' or, on a terminal,\n"
	"                        an empty line), then the PA or fault; A/D left alone;\n"
	"                        any other command ends the step\n"
	"  show [--depth N] [--range START-END]   the page-table tree, as mmusim show\n"
	"  mappings              the current address space's mappings, one line each\n"
	"  tlb                   the current CPU's TLB and page-walk-cache entries\n"
	"  detail on|off         after each access, what the MMU did (on by default): the\n"
	"                        TLB that hit, or the walk: PWC probes, PTEs read (and\n"
	"                        data-cache level), A/D set, fault; cycles\n"
	"  help                  this text\n"
	"  poke PA VALUE [SIZE]   set-pte VA LEVEL VALUE   pte VA LEVEL NAME=VALUE...\n"
	"                        write memory or a PTE directly: no TLB is told\n"
	"  mmap VA LEN FLAGS [shared]   munmap VA LEN   fork ASID   exit ASID\n"
	"                        the OS layer: regions, processes (copy-on-write)\n"
	"  quit                  end the session (also: exit, end of input)\n";

/* Names offered by tab completion, in the order they are listed. */
static const char *const command_names[] = {
	"asid", "cpu", "detail", "exit", "explain", "flush", "fork", "gflush", "gmap", "gprotect", "gunmap", "help", "map",
	"mappings", "mmap", "munmap", "next", "poke", "priv", "protect", "pte", "quit", "set-pte", "show", "step", "thread", "tlb",
	"tlbi", "translate", "unmap", "vm", NULL,
};

struct shell {
	mmusim_machine *m;
	const mmusim_config *cfg;
	mmusim_mmu *mmu;
	FILE *out;
	unsigned long line;
	bool quit;
	bool terminal;              /* an empty line continues a step */
	/* Unless `detail off`: the last translation's record, printed after its answer. */
	mmusim_access_detail last;
	bool have_last;
	struct shell_step step;
};

static void keep_detail(void *arg, const mmusim_access_detail *d)
{
	struct shell *sh = arg;

	sh->last = *d;
	sh->have_last = true;
}

/* An inspect-only walk of the current CPU's address space, with its privilege. */
static mmusim_request request(const struct shell *sh, uint64_t va, enum mmusim_access a)
{
	enum mmusim_priv priv;
	unsigned cpu;
	uint16_t asid;

	mmusim_mmu_current(sh->mmu, &cpu, &asid, &priv);
	return (mmusim_request){ .va = va, .access = a, .priv = priv, .no_ad_update = true };
}

/*
 * On a VM, the two-stage walk's answer as translate and explain give it: a
 * stage-2 fault is the hypervisor's (scause/htval, EPT violation, ESR_EL2),
 * not the guest's.  False when m is not a VM or (for an access) the fault is
 * not stage 2's, so that the caller prints the one-stage answer.
 */
static bool vm_answer(struct shell *sh, const mmusim_request *req, bool explain, bool stage2_faults_only)
{
	mmusim_nested_translation *vm;
	bool shown = false;

	if (!mmusim_machine_is_vm(sh->m) || !(vm = malloc(sizeof(*vm))))
		return false;
	if (mmusim_translate_nested(sh->m, req, vm) == MMUSIM_OK &&
	    (!stage2_faults_only || vm->fault_stage == MMUSIM_STAGE_HOST_TABLE ||
	     vm->fault_stage == MMUSIM_STAGE_HOST_FINAL)) {
		struct palette plain;
		palette_init(&plain, false);
		if (explain)
			explain_grid_write(sh->out, sh->m, req, vm, &plain);
		else
			explain_grid_answer_line(sh->out, sh->m, req, vm);
		shown = true;
	}
	free(vm);
	return shown;
}

/* translate|explain|step VA [r|w|x] */
static int cmd_walk(struct shell *sh, char **argv, int argc, const char *cmd, mmusim_error *err)
{
	enum mmusim_access a = MMUSIM_READ;
	mmusim_request req;
	mmusim_translation t;
	uint64_t va;
	int rc;

	if (argc < 2 || argc > 3)
		return cli_set_error(err, MMUSIM_EINVAL, "usage: %s VA [r|w|x]", argv[0]);
	if ((rc = cli_parse_va(argv[1], &va, err)) || (rc = cli_check_va_fits(sh->cfg, argv[1], va, err)))
		return rc;
	if (argc == 3) {
		if (!cli_parse_access(argv[2], &a))
			return cli_set_error(err, MMUSIM_EINVAL, "bad access '%s' (expected r, w or x)", argv[2]);
	}
	req = request(sh, va, a);
	if (strcmp(cmd, "step") == 0) {
		shell_step_start(&sh->step, sh->out, sh->m, &req);
		return MMUSIM_OK;
	}
	if (vm_answer(sh, &req, strcmp(cmd, "explain") == 0, false))
		return MMUSIM_OK;
	mmusim_translate(sh->m, &req, &t);
	if (strcmp(cmd, "explain") == 0) {
		struct palette plain;
		uint64_t slot;
		palette_init(&plain, false);
		explain_write(sh->out, sh->cfg, &req, mmusim_root(sh->m), mmusim_upper_root(sh->m),
			      mmusim_current_asid(sh->m), &t, sh->m, &plain);
		switch (mmusim_mmu_os_page(sh->mmu, va, &slot)) {
		case MMUSIM_OS_PAGE_SWAPPED:
			fprintf(sh->out, "os: the page is out in swap (slot %" PRIu64 "): a touch is a major fault\n", slot);
			break;
		case MMUSIM_OS_PAGE_COW:
			fputs("os: the frame is shared copy-on-write since a fork: a write copies it\n", sh->out);
			break;
		default:
			break;
		}
	} else {
		explain_answer_line(sh->out, sh->cfg, &req, &t);
	}
	return MMUSIM_OK;
}

static int show_leaf(void *arg, const mmusim_mapping *m)
{
	struct shell *sh = arg;
	char size[32], perms[6];

	format_page_size(m->size, size, sizeof(size));
	mmusim_perms_string(m->perms, perms);
	fprintf(sh->out, "0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " %s (%s page, level %u)%s\n", m->va,
		m->va + m->size, m->pa, perms, size, m->level,
		mmusim_mmu_os_page(sh->mmu, m->va, NULL) == MMUSIM_OS_PAGE_COW ? " copy-on-write" : "");
	return 0;
}

/* A page the OS layer put out in swap: not mapped, but the process's all the same. */
static int show_swapped(void *arg, uint64_t va, uint64_t slot)
{
	struct shell *sh = arg;

	fprintf(sh->out, "0x%" PRIx64 " 0x%" PRIx64 " swapped out (swap slot %" PRIu64 ")\n", va,
		va + mmusim_config_page_size(sh->cfg), slot);
	return 0;
}

static int count_entry(void *arg, const mmusim_tlb_entry *e)
{
	(void)e;
	++*(unsigned *)arg;
	return 0;
}

static int show_tlb_entry(void *arg, const mmusim_tlb_entry *e)
{
	char size[32], perms[6];

	format_page_size(e->size, size, sizeof(size));
	mmusim_perms_string(e->perms, perms);
	fprintf(arg, "  va 0x%" PRIx64 " -> pa 0x%" PRIx64 " %s asid %u%s perms %s%s", e->va, e->pa, size,
		e->asid, e->global ? " global" : "", perms, e->dirty ? " dirty" : "");
	if (e->vmid)
		fprintf(arg, " vm %u", e->vmid);
	if (e->prefetched)
		fputs(" prefetched", arg);
	fputc('\n', arg);
	return 0;
}

static int show_pwc_entry(void *arg, const mmusim_tlb_entry *e)
{
	char size[32];

	format_page_size(e->size, size, sizeof(size));
	fprintf(arg, "  va 0x%" PRIx64 " (%s) -> next table 0x%" PRIx64 " asid %u", e->va, size, e->pa, e->asid);
	if (e->vmid)
		fprintf(arg, " vm %u", e->vmid);
	fputc('\n', arg);
	return 0;
}

static void cmd_tlb(struct shell *sh)
{
	unsigned nr_tlbs = mmusim_config_nr_tlbs(sh->cfg), nr_pwcs = mmusim_config_nr_pwcs(sh->cfg);
	mmusim_cache_info ci;

	if (!nr_tlbs && !nr_pwcs)
		term_printf(sh->out, "config %s has no TLB", mmusim_config_name(sh->cfg)), fputc('\n', sh->out);
	for (unsigned i = 0; i < nr_tlbs; i++) {
		unsigned valid = 0;
		mmusim_config_cache_info(sh->cfg, false, i, &ci);
		mmusim_mmu_for_each_tlb_entry(sh->mmu, false, i, count_entry, &valid);
		term_write(sh->out, ci.name);
		fprintf(sh->out, " (level %u, %s, %u entries, %u-way): %u valid\n", ci.level, ci.serves, ci.entries,
			ci.ways, valid);
		mmusim_mmu_for_each_tlb_entry(sh->mmu, false, i, show_tlb_entry, sh->out);
	}
	for (unsigned i = 0; i < nr_pwcs; i++) {
		unsigned valid = 0;
		mmusim_config_cache_info(sh->cfg, true, i, &ci);
		mmusim_mmu_for_each_tlb_entry(sh->mmu, true, i, count_entry, &valid);
		term_write(sh->out, ci.name);
		fprintf(sh->out, " (%u entries): %u valid\n", ci.entries, valid);
		mmusim_mmu_for_each_tlb_entry(sh->mmu, true, i, show_pwc_entry, sh->out);
	}
}

/* r|w|x VA: one access through the MMU, as a replay would make it. */
/* What the OS layer did for the access just made: the counters that moved, as lines of their own. */
static void os_notes(struct shell *sh, const mmusim_paging_stats *was)
{
	mmusim_paging_stats now;
	enum mmusim_priv priv;
	unsigned cpu;
	uint16_t asid;

	if (!mmusim_mmu_paging_stats(sh->mmu, &now))
		return;
	mmusim_mmu_current(sh->mmu, &cpu, &asid, &priv);
	if (now.segfaults > was->segfaults)
		fprintf(sh->out, "  os: segmentation fault: outside every region of asid %u\n", asid);
	if (now.evictions > was->evictions)
		fprintf(sh->out, "  os: evicted %" PRIu64 " page(s) for a frame, %" PRIu64 " written to swap\n",
			now.evictions - was->evictions, now.swap_outs - was->swap_outs);
	if (now.major_faults > was->major_faults)
		fputs("  os: major page fault: the page came back from swap\n", sh->out);
	else if (now.page_faults > was->page_faults && now.segfaults == was->segfaults)
		fputs("  os: page fault: a fresh frame on first touch\n", sh->out);
	if (now.cow_copies > was->cow_copies)
		fputs("  os: copy-on-write fault: the page copied into a frame of this process's own\n", sh->out);
}

static int do_access(struct shell *sh, const mmusim_event *ev, mmusim_error *err)
{
	mmusim_request req = request(sh, ev->va, ev->access);
	mmusim_mmu_result res;
	mmusim_translation w, shown = { 0 };
	mmusim_paging_stats was;
	mmusim_stats before, after;
	bool stale, cached_fault = false;

	mmusim_mmu_paging_stats(sh->mmu, &was);
	mmusim_mmu_stats(sh->mmu, &before);
	/* An access the OS layer could not serve (out of memory, opt without a future): an error, not a result. */
	if (mmusim_mmu_translate(sh->mmu, ev->va, ev->access, &res)) {
		/* The mmu names a direct translation's source "event:0"; the shell adds stdin's line. */
		const char *msg = mmusim_mmu_last_error(sh->mmu), *rest;
		if (strncmp(msg, "event:", 6) == 0 && (rest = strstr(msg, ": ")))
			msg = rest + 2;
		return cli_set_error(err, MMUSIM_EINVAL, "%s", msg);
	}
	mmusim_mmu_stats(sh->mmu, &after);
	/*
	 * Print through the same format as translate: the level, the permissions
	 * and the rule a fault broke come from the table (the TLBs agree with it:
	 * the shell's edits shoot entries down).
	 */
	mmusim_translate(sh->m, &req, &w);
	shown.ok = res.ok;
	shown.pa = res.pa;
	shown.page_size = res.page_size;
	shown.fault_kind = res.fault_kind;
	shown.fault_level = res.fault_level;
	shown.fault_code = res.fault_code;
	stale = after.stale_hits > before.stale_hits;
	if (res.ok && (stale || !w.ok || w.pa != res.pa)) {
		/* A stale TLB entry answered (--no-auto-flush): its level and rights, not the table's. */
		shell_stale_cached(sh->mmu, sh->cfg, ev->va, &shown);
	} else if (res.ok) {
		shown.level = w.level;
		shown.perms = w.perms;
	} else if (!w.ok && w.fault_kind == res.fault_kind && w.fault_level == res.fault_level) {
		shown.fault_reason = w.fault_reason;
		shown.refused_level = w.refused_level;
		shown.refused_pte_addr = w.refused_pte_addr;
	} else {
		/* A cached entry (poke, pte and set-pte tell no TLB) led the walk to another fault than the table's. */
		cached_fault = true;
	}
	if (cached_fault) {
		char answer[512];
		explain_answer_because(sh->cfg, ev->va, &shown,
				       "the walk went on from a cached entry that the page table no longer agrees with",
				       answer, sizeof(answer));
		fprintf(sh->out, "0x%" PRIx64 " %s %s: %s\n", ev->va, mmusim_access_name(req.access),
			mmusim_priv_name(req.priv), answer);
	} else if (res.ok || !vm_answer(sh, &req, false, true)) {
		explain_answer_line(sh->out, sh->cfg, &req, &shown);
	}
	if (sh->have_last)
		shell_detail_line(sh->out, &sh->last);
	sh->have_last = false;
	if (stale)
		shell_stale_line(sh->out, sh->cfg, ev->va, &w);
	if (cached_fault) {
		char answer[512];
		explain_answer(sh->cfg, ev->va, &w, answer, sizeof(answer));
		fprintf(sh->out, "  stale: a cached entry no longer agrees with the page table, which says: %s\n", answer);
	}
	os_notes(sh, &was);
	return MMUSIM_OK;
}

/* Splits line into at most 8 words, in place. */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(line, " \t\r\n"); tok && argc < 8; tok = strtok(NULL, " \t\r\n"))
		argv[argc++] = tok;
	return argc;
}

/* Runs one command line; returns MMUSIM_OK or an error with a message. */
static int run_line(struct shell *sh, const char *text, mmusim_error *err)
{
	char buf[512], words[512], *argv[8];
	mmusim_event ev;
	int argc, r;

	if (strlen(text) >= sizeof(buf))
		return cli_set_error(err, MMUSIM_EINVAL, "line too long");
	memcpy(buf, text, strlen(text) + 1);
	memcpy(words, text, strlen(text) + 1);
	buf[strcspn(buf, "#")] = '\0';
	words[strcspn(words, "#")] = '\0';
	argc = split(words, argv);
	if (argc == 0 && sh->terminal && sh->step.active)
		return shell_step_next(&sh->step, sh->out, sh->cfg, err);
	if (argc == 0)
		return MMUSIM_OK;
	if (strcmp(argv[0], "next") == 0 || strcmp(argv[0], "n") == 0 || (strcmp(argv[0], "step") == 0 && argc == 1)) {
		if (argc != 1)
			return cli_set_error(err, MMUSIM_EINVAL, "usage: %s (one more level of the step)", argv[0]);
		if (strcmp(argv[0], "step") == 0 && !sh->step.active)
			return cli_set_error(err, MMUSIM_EINVAL, "usage: step VA [r|w|x]");
		return shell_step_next(&sh->step, sh->out, sh->cfg, err);
	}
	sh->step.active = false; /* any other command ends a step */
	/* Commands without arguments say so rather than ignore them (`tlb 3` is not a TLB's entries). */
	if (argc > 1 && (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "help") == 0 ||
			 strcmp(argv[0], "mappings") == 0 || strcmp(argv[0], "tlb") == 0))
		return cli_set_error(err, MMUSIM_EINVAL, "usage: %s (it takes no arguments)", argv[0]);
	/* `exit ASID` is the OS layer's end of a process; `exit` alone ends the session. */
	if (strcmp(argv[0], "quit") == 0 || (strcmp(argv[0], "exit") == 0 && argc == 1)) {
		sh->quit = true;
		return MMUSIM_OK;
	}
	if (strcmp(argv[0], "help") == 0) {
		fputs(commands_help, sh->out);
		return MMUSIM_OK;
	}
	if (strcmp(argv[0], "translate") == 0 || strcmp(argv[0], "explain") == 0 || strcmp(argv[0], "step") == 0)
		return cmd_walk(sh, argv, argc, argv[0], err);
	if (strcmp(argv[0], "show") == 0)
		return shell_show(sh->out, sh->m, argc, argv, err);
	if (strcmp(argv[0], "mappings") == 0) {
		mmusim_for_each_mapping(sh->m, show_leaf, sh);
		mmusim_mmu_for_each_swapped_page(sh->mmu, show_swapped, sh);
		return MMUSIM_OK;
	}
	if (strcmp(argv[0], "tlb") == 0) {
		cmd_tlb(sh);
		return MMUSIM_OK;
	}
	if (strcmp(argv[0], "detail") == 0) {
		if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
			return cli_set_error(err, MMUSIM_EINVAL, "usage: detail on|off");
		mmusim_mmu_set_access_log(sh->mmu, argv[1][1] == 'n' ? keep_detail : NULL, sh);
		return MMUSIM_OK;
	}
	if (strcmp(argv[0], "pte") == 0)
		return shell_pte_line(sh->mmu, buf, sh->line, err);
	r = mmusim_parse_trace_line(buf, &ev, err);
	if (r < 0) {
		/* The trace parser lists only trace commands; the shell has more. */
		if (strncmp(err->message, "unknown command", 15) == 0)
			return cli_set_error(err, MMUSIM_EINVAL, "unknown command '%s' (type 'help')", argv[0]);
		return MMUSIM_EINVAL;
	}
	if (r == 0)
		return MMUSIM_OK;
	ev.line = sh->line;
	if (ev.op == MMUSIM_EV_ACCESS) {
		char va_text[24];
		snprintf(va_text, sizeof(va_text), "0x%" PRIx64, ev.va);
		if ((r = cli_check_va_fits(sh->cfg, va_text, ev.va, err)))
			return r;
		return do_access(sh, &ev, err);
	}
	if ((r = mmusim_mmu_event(sh->mmu, &ev, err))) {
		/* The mmu names a single event's source "event"; here it is stdin. */
		if (strncmp(err->message, "event:", 6) == 0) {
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "stdin:%s", err->message + 6);
			memcpy(err->message, msg, sizeof(msg));
		}
		return r;
	}
	/* Keep the machine's current address space with the CPU's, for walks and show. */
	if (ev.op == MMUSIM_EV_ASID || ev.op == MMUSIM_EV_CPU || ev.op == MMUSIM_EV_VM) {
		enum mmusim_priv priv;
		unsigned cpu;
		uint16_t asid;

		mmusim_mmu_current(sh->mmu, &cpu, &asid, &priv);
		return mmusim_switch_asid(sh->m, asid, err);
	}
	return MMUSIM_OK;
}

/* ---- the terminal: libedit ---- */

/*
 * libedit 3.1 never frees the name and help strings el_set(EL_ADDFN) copies:
 * its leak, not ours.  Under LeakSanitizer, tell it so (tests/valgrind.supp
 * does the same for memcheck).  The fast unwinder stops in libc, so the
 * report shows wcsdup (which mmusim itself never calls), not el_set.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MMUSIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MMUSIM_ASAN)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:el_set\nleak:wcsdup\n";
}
#endif

static char *prompt(EditLine *el)
{
	struct shell *sh = NULL;

	el_get(el, EL_CLIENTDATA, &sh);
	return sh && sh->step.active ? "mmusim step> " : "mmusim> ";
}

/*
 * Tab: completes the command name under the cursor (the first word).  One
 * match is inserted with a space; several insert their common prefix, or are
 * listed when there is nothing more to insert.
 */
static unsigned char complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	const char *start = li->buffer, *end = li->cursor;
	const char *first = NULL;
	size_t len, common = 0, matches = 0;
	FILE *out = stdout;

	(void)ch;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	for (const char *p = start; p < end; p++)
		if (*p == ' ' || *p == '\t')
			return CC_ERROR;     /* only the command name completes */
	len = (size_t)(end - start);
	for (const char *const *c = command_names; *c; c++) {
		if (strncmp(*c, start, len) != 0)
			continue;
		if (!first) {
			first = *c;
			common = strlen(*c);
		} else {
			size_t k = len;
			while (k < common && first[k] == (*c)[k])
				k++;
			common = k;
		}
		matches++;
	}
	if (!matches)
		return CC_ERROR;
	if (matches == 1) {
		char word[32];
		snprintf(word, sizeof(word), "%s ", first + len);
		return el_insertstr(el, word) == 0 ? CC_REFRESH : CC_ERROR;
	}
	if (common > len) {
		char word[32];
		snprintf(word, sizeof(word), "%.*s", (int)(common - len), first + len);
		return el_insertstr(el, word) == 0 ? CC_REFRESH : CC_ERROR;
	}
	fputc('\n', out);
	for (const char *const *c = command_names; *c; c++)
		if (strncmp(*c, start, len) == 0)
			fprintf(out, "%s  ", *c);
	fputc('\n', out);
	return CC_REDISPLAY;
}

static int run_terminal(struct shell *sh)
{
	EditLine *el = el_init("mmusim", stdin, stdout, stderr);
	History *hist = history_init();
	HistEvent hev;
	int count;

	if (!el || !hist) {
		if (el)
			el_end(el);
		if (hist)
			history_end(hist);
		return EXIT_INTERNAL;
	}
	history(hist, &hev, H_SETSIZE, 500);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_CLIENTDATA, sh);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_ADDFN, "mmusim-complete", "complete a command name", complete);
	el_set(el, EL_BIND, "^I", "mmusim-complete", NULL);
	el_set(el, EL_SIGNAL, 1);
	fputs("mmusim shell: type 'help' for the commands, 'quit' to leave\n", stdout);
	while (!sh->quit) {
		const char *line = el_gets(el, &count);
		mmusim_error err = { 0 };

		if (!line || count <= 0)
			break;
		sh->line++;
		if (line[strspn(line, " \t\r\n")])
			history(hist, &hev, H_ENTER, line);
		if (run_line(sh, line, &err))
			term_printf(stdout, "error: %s", err.message), fputc('\n', stdout);
		fflush(stdout);
	}
	if (!sh->quit)
		fputc('\n', stdout);
	history_end(hist);
	el_end(el);
	return EXIT_OK;
}

/* The longest line the shell reads from a pipe, as for trace lines (README, Limits). */
#define SHELL_LINE_MAX 65536

/*
 * Reads one line of at most SHELL_LINE_MAX bytes (newline excluded) into buf: 1, or 0 at the
 * end of the input; -1 with *why set for a longer line or a NUL byte (a binary file or
 * /dev/zero), which end the session: memory and time stay bounded whatever comes in;
 * -1 with *why NULL and errno set when reading fails.
 */
static int read_bounded_line(FILE *in, char buf[SHELL_LINE_MAX + 1], const char **why)
{
	size_t n = 0;
	int c;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (c == '\0') {
			*why = "NUL byte in the input (a binary file?)";
			return -1;
		}
		if (n == SHELL_LINE_MAX) {
			*why = "line longer than 65536 bytes";
			return -1;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	/* A read that fails (stdin a folder: EISDIR) is no end of input: the session would end as if done. */
	if (c == EOF && ferror(in)) {
		*why = NULL;
		return -1;
	}
	return c == EOF && n == 0 ? 0 : 1;
}

static int run_pipe(struct shell *sh)
{
	char *line = malloc(SHELL_LINE_MAX + 1);
	const char *why = NULL;
	bool failed = false;
	int got = 0;

	if (!line)
		return cli_usage_error("out of memory");
	while (!sh->quit && (got = read_bounded_line(stdin, line, &why)) > 0) {
		mmusim_error err = { 0 };
		/* A UTF-8 byte order mark (Windows editors write one) is not part of the first command. */
		size_t bom = sh->line == 0 && strncmp(line, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

		sh->line++;
		if (run_line(sh, line + bom, &err)) {
			fflush(stdout);
			/* Trace errors already carry "stdin:LINE"; the shell's own ones get it here. */
			if (strncmp(err.message, "stdin:", 6) == 0)
				term_printf(stderr, "mmusim: %s", err.message);
			else
				term_printf(stderr, "mmusim: stdin:%lu: %s", sh->line, err.message);
			fputc('\n', stderr);
			failed = true;
		}
	}
	if (got < 0 && !why) {
		const char *reason = strerror(errno); /* before the flush may set errno */
		fflush(stdout);
		fprintf(stderr, "mmusim: <stdin>: cannot read: %s\n", reason);
		failed = true;
	} else if (got < 0) {
		fflush(stdout);
		term_printf(stderr, "mmusim: stdin:%lu: %s", sh->line + 1, why);
		fputc('\n', stderr);
		failed = true;
	}
	free(line);
	return failed ? EXIT_BAD_INPUT : EXIT_OK;
}

int cmd_shell(struct cli *cli, struct args *a)
{
	struct shell sh = { .out = stdout };
	mmusim_mmu_options opt = { 0 };
	mmusim_error err = { 0 };
	uint64_t warmup = 0;
	int rc;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		int r;

		if (args_help(a)) {
			fputs(shell_help, stdout);
			fputs(commands_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) == 0 && (r = cli_replay_option(a, NULL, &opt, &warmup)) == 0)
			r = cli_os_option(a, &opt);
		if (r < 0)
			return EXIT_BAD_INPUT;
		if (r == 0)
			return cli_usage_error("shell: unexpected argument '%s' (see mmusim shell --help)", arg);
	}
	if (opt.replacement && strcmp(opt.replacement, "opt") == 0)
		return cli_usage_error("shell: --replacement opt needs the whole future of a trace; the shell has none");
	if (cli->image || cli->json)
		return cli_usage_error("shell: --image and --json do not apply to the shell");
	if (cli_build_machine(cli, &sh.m, &err))
		return cli_fail(&err);
	sh.cfg = mmusim_machine_config(sh.m);
	if (cli_demand_page_size(sh.cfg, &opt, &err) || cli_mmu_create(sh.m, &opt, warmup, &sh.mmu, &err)) {
		mmusim_machine_destroy(sh.m);
		return cli_fail(&err);
	}
	if (mmusim_mmu_needs_future(sh.mmu)) {
		mmusim_mmu_destroy(sh.mmu);
		mmusim_machine_destroy(sh.m);
		return cli_usage_error("shell: the config's os: block picks replacement opt, which needs the whole future "
				       "of a trace; the shell has none (choose another with --replacement)");
	}
	/* Detail is on from the start: a student sees what each access did without asking. */
	mmusim_mmu_set_access_log(sh.mmu, keep_detail, &sh);
	sh.terminal = isatty(STDIN_FILENO);
	rc = sh.terminal ? run_terminal(&sh) : run_pipe(&sh);
	mmusim_mmu_destroy(sh.mmu);
	mmusim_machine_destroy(sh.m);
	return rc;
}
