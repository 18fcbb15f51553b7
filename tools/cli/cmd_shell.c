/*
 * mmusim shell: an interactive MMU session.  The trace commands (map, unmap,
 * protect, r/w/x, asid, priv, cpu, flush) run through a replay engine, so
 * accesses go through the TLBs and page-walk caches and edits shoot entries
 * down; translate and explain walk the current address space without touching
 * A/D bits; show lists the mappings; tlb prints the current CPU's TLB and
 * PWC contents.
 *
 * On a terminal, libedit gives line editing, history and tab completion of
 * command names (its native API, whose client-data slot carries our state:
 * no globals).  From a pipe, commands are read line by line without prompts,
 * for scripted demos; a failing command prints "mmusim: stdin:LINE: message"
 * and the session goes on, ending with exit status 2.
 */
#include "cli.h"

#include <histedit.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt/pt_arch.h"
#include "sim/trace_text.h"

static const char shell_help[] =
	"usage: mmusim [--config NAME|FILE] shell [--setup TRACE] [--map 'VA PA LEN FLAGS']...\n"
	"\n"
	"An interactive session over one machine (commands: type 'help').  Reads\n"
	"commands from a pipe too, without prompts; exit status 2 if one failed.\n";

static const char commands_help[] =
	"commands:\n"
	"  map VA PA LEN FLAGS [cache=..]   unmap VA LEN   protect VA LEN FLAGS\n"
	"  r VA | w VA | x VA    an access through the TLBs and the walker (sets A/D)\n"
	"  asid N   priv user|supervisor   cpu N   flush [va VA] [asid N]\n"
	"  translate VA [r|w|x]  the walk's answer (A/D left alone)\n"
	"  explain VA [r|w|x]    the walk level by level\n"
	"  show                  the current address space's mappings\n"
	"  tlb                   the current CPU's TLB and page-walk-cache entries\n"
	"  help                  this text\n"
	"  quit                  end the session (also: exit, end of input)\n";

/* Names offered by tab completion, in the order they are listed. */
static const char *const command_names[] = {
	"asid", "cpu", "exit", "explain", "flush", "help", "map", "priv", "protect", "quit",
	"show", "tlb", "translate", "unmap", NULL,
};

struct shell {
	struct machine *m;
	const char *config;   /* --config as given (default x86_64) */
	struct replay r;
	FILE *out;
	unsigned long line;
	bool quit;
};

/* The current address space: the CPU's ASID, its privilege. */
static struct walk_request request(const struct shell *sh, uint64_t va, enum access_kind a)
{
	const struct mmu_cpu *c = sh->r.mmu.cur;

	return (struct walk_request){ .root = pt_root(c->pt), .va = va, .access = a, .priv = c->priv,
				      .no_ad_update = true };
}

static void print_result(FILE *out, const struct machine_config *cfg, const struct walk_request *req,
			 const struct walk_result *res)
{
	fprintf(out, "0x%" PRIx64 " %s %s: ", req->va, access_kind_name(req->access),
		privilege_name(req->priv));
	if (res->ok) {
		char size[32], perms[6];
		format_page_size(res->page_size, size, sizeof(size));
		perms_format(res->perms, perms);
		fprintf(out, "pa 0x%" PRIx64 " (%s page, level %u) perms %s\n", res->pa, size, res->level,
			perms);
	} else {
		char code[128];
		cfg->arch->describe_fault(&res->fault, code, sizeof(code));
		fprintf(out, "fault %s at level %u, %s: %s\n", fault_kind_name(res->fault.kind),
			res->fault.level, code, walk_reason_text(res->fault.reason));
	}
}

/* translate|explain VA [r|w|x] */
static int cmd_walk(struct shell *sh, char **argv, int argc, bool explain, struct mm_error *err)
{
	enum access_kind a = ACCESS_READ;
	struct walk_request req;
	struct walk_result res;
	uint64_t va;
	int rc;

	if (argc < 2 || argc > 3)
		return mm_error_set(err, MM_EINVAL, "usage: %s VA [r|w|x]", argv[0]);
	if ((rc = cli_parse_va(argv[1], &va, err)))
		return rc;
	if (argc == 3) {
		if (strcmp(argv[2], "r") == 0) a = ACCESS_READ;
		else if (strcmp(argv[2], "w") == 0) a = ACCESS_WRITE;
		else if (strcmp(argv[2], "x") == 0) a = ACCESS_EXEC;
		else return mm_error_set(err, MM_EINVAL, "bad access '%s' (expected r, w or x)", argv[2]);
	}
	req = request(sh, va, a);
	walk(&sh->m->walker, &req, &res);
	if (explain)
		explain_walk_internal(sh->out, sh->config, &req, &res);
	else
		print_result(sh->out, &sh->m->cfg, &req, &res);
	return MM_OK;
}

static int show_leaf(void *arg, const struct pt_mapping *m)
{
	struct shell *sh = arg;
	char size[32], perms[6];

	format_page_size(m->size, size, sizeof(size));
	perms_format(m->perms, perms);
	fprintf(sh->out, "0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " %s (%s page, level %u)\n", m->va,
		m->va + m->size, m->pa, perms, size, m->level);
	return 0;
}

struct tlb_view {
	FILE *out;
	const struct paging_consts *pc;
	bool pwc;
};

static int show_entry(void *arg, const struct tlb_entry *e)
{
	struct tlb_view *v = arg;
	uint64_t va = pc_va_canonicalize(v->pc, e->tag << e->shift);
	char size[32], perms[6];

	format_page_size(1ull << e->shift, size, sizeof(size));
	perms_format(e->perms, perms);
	if (v->pwc)
		fprintf(v->out, "  va 0x%" PRIx64 " (%s) -> next table 0x%" PRIx64 " asid %u\n", va, size,
			e->pa, e->asid);
	else
		fprintf(v->out, "  va 0x%" PRIx64 " -> pa 0x%" PRIx64 " %s asid %u%s perms %s%s\n", va, e->pa,
			size, e->asid, e->global ? " global" : "", perms, e->dirty ? " dirty" : "");
	return 0;
}

static void cmd_tlb(struct shell *sh)
{
	const struct mmu_cpu *c = sh->r.mmu.cur;
	const struct machine_config *cfg = &sh->m->cfg;
	static const char *const kinds[] = { "instruction", "data", "unified" };
	struct tlb_view v = { .out = sh->out, .pc = &cfg->pc };

	if (!cfg->nr_tlb && !cfg->nr_pwc)
		fprintf(sh->out, "config %s has no TLB\n", cfg->name);
	for (unsigned i = 0; i < cfg->nr_tlb; i++) {
		const struct tlb_config *t = &cfg->tlb[i];
		fprintf(sh->out, "%s (level %u, %s, %u entries, %u-way): %u valid\n", t->name, t->level,
			kinds[t->kind], t->entries, t->ways, tlb_occupancy(c->tlb[i]));
		tlb_for_each(c->tlb[i], show_entry, &v);
	}
	v.pwc = true;
	for (unsigned i = 0; i < cfg->nr_pwc; i++) {
		const struct tlb *t = c->pwc[cfg->pwc[i].level];
		fprintf(sh->out, "%s (%u entries): %u valid\n", cfg->pwc[i].name, cfg->pwc[i].entries,
			tlb_occupancy(t));
		tlb_for_each(t, show_entry, &v);
	}
}

/* r|w|x VA: one access through the MMU, as a replay would make it. */
static void do_access(struct shell *sh, const struct trace_event *ev)
{
	struct walk_request req = request(sh, ev->va, (enum access_kind)ev->access);
	struct mmu_result res;
	struct walk_result shown = { 0 };

	mmu_translate(&sh->r.mmu, ev->va, (enum access_kind)ev->access, &res);
	if (!res.ok)
		sh->r.mmu.stats.faults[res.fault.kind]++;
	/* Print through the same format as translate; the level comes from the table. */
	shown.ok = res.ok;
	shown.pa = res.pa;
	shown.page_size = res.page_size;
	shown.fault = res.fault;
	if (res.ok) {
		struct walk_result w;
		walk(&sh->m->walker, &req, &w);
		shown.level = w.level;
		shown.perms = w.perms;
	}
	print_result(sh->out, &sh->m->cfg, &req, &shown);
}

/* Splits line into at most 8 words, in place. */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(line, " \t\r\n"); tok && argc < 8; tok = strtok(NULL, " \t\r\n"))
		argv[argc++] = tok;
	return argc;
}

/* Runs one command line; returns MM_OK or an error with a message. */
static int run_line(struct shell *sh, const char *text, struct mm_error *err)
{
	char buf[512], words[512], *argv[8];
	struct trace_event ev;
	int argc, r;

	if (strlen(text) >= sizeof(buf))
		return mm_error_set(err, MM_EINVAL, "line too long");
	memcpy(buf, text, strlen(text) + 1);
	memcpy(words, text, strlen(text) + 1);
	buf[strcspn(buf, "#")] = '\0';
	words[strcspn(words, "#")] = '\0';
	argc = split(words, argv);
	if (argc == 0)
		return MM_OK;
	if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "exit") == 0) {
		sh->quit = true;
		return MM_OK;
	}
	if (strcmp(argv[0], "help") == 0) {
		fputs(commands_help, sh->out);
		return MM_OK;
	}
	if (strcmp(argv[0], "translate") == 0 || strcmp(argv[0], "explain") == 0)
		return cmd_walk(sh, argv, argc, argv[0][0] == 'e', err);
	if (strcmp(argv[0], "show") == 0 || strcmp(argv[0], "mappings") == 0) {
		pt_for_each(sh->r.mmu.cur->pt, show_leaf, sh);
		return MM_OK;
	}
	if (strcmp(argv[0], "tlb") == 0) {
		cmd_tlb(sh);
		return MM_OK;
	}
	r = trace_parse_line(buf, &ev, err);
	if (r < 0) {
		/* The trace parser lists only trace commands; the shell has more. */
		if (strncmp(err->msg, "unknown command", 15) == 0)
			return mm_error_set(err, MM_EINVAL, "unknown command '%s' (type 'help')", argv[0]);
		return MM_EINVAL;
	}
	if (r == 0)
		return MM_OK;
	ev.line = sh->line;
	if (ev.op == TRACE_ACCESS) {
		do_access(sh, &ev);
		return MM_OK;
	}
	if ((r = replay_events(&sh->r, &ev, 1, err)))
		return r;
	/* Keep the machine's current address space with the CPU's, for walks and show. */
	if (ev.op == TRACE_ASID || ev.op == TRACE_CPU)
		return machine_switch(sh->m, sh->r.mmu.cur->asid, err);
	return MM_OK;
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
	(void)el;
	return "mmusim> ";
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
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_ADDFN, "mmusim-complete", "complete a command name", complete);
	el_set(el, EL_BIND, "^I", "mmusim-complete", NULL);
	el_set(el, EL_SIGNAL, 1);
	fputs("mmusim shell: type 'help' for the commands, 'quit' to leave\n", stdout);
	while (!sh->quit) {
		const char *line = el_gets(el, &count);
		struct mm_error err = { 0 };

		if (!line || count <= 0)
			break;
		sh->line++;
		if (line[strspn(line, " \t\r\n")])
			history(hist, &hev, H_ENTER, line);
		if (run_line(sh, line, &err))
			fprintf(stdout, "error: %s\n", err.msg);
		fflush(stdout);
	}
	if (!sh->quit)
		fputc('\n', stdout);
	history_end(hist);
	el_end(el);
	return EXIT_OK;
}

static int run_pipe(struct shell *sh)
{
	char *line = NULL;
	size_t cap = 0;
	bool failed = false;

	while (!sh->quit && getline(&line, &cap, stdin) != -1) {
		struct mm_error err = { 0 };

		sh->line++;
		if (run_line(sh, line, &err)) {
			fflush(stdout);
			/* Trace errors already carry "stdin:LINE"; the shell's own ones get it here. */
			if (strncmp(err.msg, "stdin:", 6) == 0)
				fprintf(stderr, "mmusim: %s\n", err.msg);
			else
				fprintf(stderr, "mmusim: stdin:%lu: %s\n", sh->line, err.msg);
			failed = true;
		}
	}
	free(line);
	return failed ? EXIT_BAD_INPUT : EXIT_OK;
}

int cmd_shell(struct cli *cli, struct args *a)
{
	struct replay_options opt = { 0 };
	struct shell sh = { .out = stdout };
	struct mm_error err = { 0 };
	int rc;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		int r;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(shell_help, stdout);
			fputs(commands_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) < 0)
			return EXIT_BAD_INPUT;
		if (r == 0)
			return cli_usage_error("shell: unexpected argument '%s' (see mmusim shell --help)", arg);
	}
	if (cli->image || cli->json)
		return cli_usage_error("shell: --image and --json do not apply to the shell");
	sh.config = cli->config ? cli->config : "x86_64";
	if (cli_build_machine(cli, &sh.m, &err))
		return cli_fail(&err);
	if (replay_init(&sh.r, sh.m, &opt, "stdin", &err)) {
		machine_destroy(sh.m);
		return cli_fail(&err);
	}
	rc = isatty(STDIN_FILENO) ? run_terminal(&sh) : run_pipe(&sh);
	replay_fini(&sh.r);
	machine_destroy(sh.m);
	return rc;
}
