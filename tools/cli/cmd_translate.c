/*
 * mmusim translate: one hardware walk per VA through the current address
 * space, answered with the PA, page size and permissions, or the fault the
 * hardware would raise (a fault is a successful answer: exit 0).
 */
#include "commands.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "explain_grid.h"
#include "explain_text.h"
#include "cli_image_config.h"
#include "ostep_answer.h"

static void print_json(FILE *out, const mmusim_config *cfg, const mmusim_request *req, const mmusim_translation *res,
		       const mmusim_nested_translation *vm, bool explain)
{
	fprintf(out, "{\"va\":\"0x%" PRIx64 "\",\"access\":\"%s\",\"priv\":\"%s\"", req->va,
		mmusim_access_name(req->access), mmusim_priv_name(req->priv));
	if (res->ok) {
		char perms[6];
		mmusim_perms_string(res->perms, perms);
		fprintf(out, ",\"pa\":\"0x%" PRIx64 "\",\"level\":%u,\"page_size\":%" PRIu64
			",\"perms\":\"%s\",\"pte_addrs\":[", res->pa, res->level, res->page_size, perms);
		for (unsigned i = 0; i < res->nr_steps; i++)
			fprintf(out, "%s\"0x%" PRIx64 "\"", i ? "," : "", res->steps[i].pte_addr);
		fputc(']', out);
	} else {
		fprintf(out, ",\"fault\":{\"kind\":\"%s\",\"level\":%u,\"code\":\"0x%" PRIx64 "\"",
			mmusim_fault_kind_name(res->fault_kind), res->fault_level, res->fault_code);
		/* Rights combine over the levels: which entry took the right away (fault.level stays the leaf's). */
		if (res->fault_kind == MMUSIM_FAULT_PERMISSION && res->refused_level)
			fprintf(out, ",\"refused_by\":{\"level\":%u,\"pte_addr\":\"0x%" PRIx64 "\"}",
				res->refused_level, res->refused_pte_addr);
		fputc('}', out);
	}
	if (explain) {
		fputs(",\"steps\":[", out);
		for (unsigned i = 0; i < res->nr_steps; i++) {
			const mmusim_walk_step *s = &res->steps[i];
			fprintf(out, "%s{\"level\":%u,\"table\":\"0x%" PRIx64 "\",\"index\":%u,"
				"\"pte_addr\":\"0x%" PRIx64 "\",\"pte\":\"0x%" PRIx64 "\"}",
				i ? "," : "", s->level, s->table, s->index, s->pte_addr, s->pte);
		}
		fputc(']', out);
		if (!res->ok) {
			/* The text's words: a bad VA's rule names this config's bits, not the generic rule. */
			char why[256];
			explain_fault_rule(cfg, req->va, res, why, sizeof(why));
			fprintf(out, ",\"reason\":\"%s\"", why);
		}
	}
	if (vm)
		explain_grid_json(out, vm);
	fputs("}\n", out);
}

/* How translate prints each answer. */
struct translate_output {
	bool json, explain, ostep;
	struct palette plain;
};

static void print_translation(void *output, mmusim_machine *m, int i, const mmusim_request *req,
			      const mmusim_translation *res, const mmusim_nested_translation *vm)
{
	const struct translate_output *o = output;

	(void)i;
	if (o->ostep)
		/* The value at the PA is read through the machine, which an image's read cache updates. */
		ostep_answer_write(stdout, m, req, res);
	else if (o->json)
		print_json(stdout, mmusim_machine_config(m), req, res, vm, o->explain);
	else if (vm && o->explain)
		explain_grid_write(stdout, m, req, vm, &o->plain);
	else if (vm)
		explain_grid_answer_line(stdout, m, req, vm);
	else if (o->explain)
		explain_write(stdout, mmusim_machine_config(m), req, mmusim_root(m), mmusim_upper_root(m),
			      mmusim_current_asid(m), res, m, &o->plain);
	else
		explain_answer_line(stdout, mmusim_machine_config(m), req, res);
}

/* --ostep: the config must be one the answer key's words fit. */
static int check_ostep(const struct cli *cli)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;

	/* An image may bring its own config (OSTEP's linear table). */
	if (cli->image ? cli_image_config(cli, &cfg, &err)
		       : cli_load_config(cli->config ? cli->config : CLI_DEFAULT_CONFIG, cli->config ? "--config" : NULL, &cfg, &err))
		return cli_fail(&err);
	int rc = ostep_answer_check(cfg, &err);
	mmusim_config_free(cfg);
	return rc ? cli_fail(&err) : EXIT_OK;
}

static const char translate_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] translate [options] VA...\n"
	"\n"
	"Walks each VA through the page tables the way the hardware would and prints the\n"
	"physical address, page size and permissions, or the fault it would raise.\n"
	"\n"
	"options:\n"
	"  --setup TRACE        apply a text trace first (any trace line: map, unmap,\n"
	"                       protect, r/w/x, asid, priv, cpu, flush, tlbi, and\n"
	"                       poke, set-pte, pte to author entries by hand)\n"
	"  --map 'VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=4K]'\n"
	"                       map a range (repeatable; applied in order with --setup)\n"
	"  --access r|w|x       the access to translate (default r)\n"
	"  --user               user-mode access (default)\n"
	"  --supervisor         supervisor-mode access\n"
	"  --ac                 x86: EFLAGS.AC=1, so SMAP does not apply\n"
	"  --explain            the walk level by level, as 'mmusim explain' prints it\n"
	"                       (with --json: the steps and the fault's reason)\n"
	"  --json               one JSON object per VA\n"
	"  --ostep              answer as the -c key of OSTEP's paging-multilevel-translate.py\n"
	"                       does: PDE, PTE, PA and the byte there, or which entry is not\n"
	"                       valid (a two-level toy config such as --config ostep); with\n"
	"                       a one-level one (--image of paging-linear-translate.py's\n"
	"                       output) as that script's key: the PA or 'Invalid (VPN N ...)'\n"
	"  --config NAME|FILE   machine config: a YAML file or a preset (default x86_64),\n"
	"                       one of:\n"
	"                       {presets}\n"
	"  --image FILE         walk the page tables inside a physical-memory image (an ELF\n"
	"                       from 'mmusim dump' or QEMU dump-guest-memory, the output of\n"
	"                       OSTEP's paging-multilevel-translate.py, or a raw file)\n"
	"  --image-base PA      where a raw image starts in physical memory (default 0)\n"
	"  --root PA | --cr3 VALUE | --satp VALUE | --ttbr0 VALUE\n"
	"                       the table to walk in the image (default: the root the dump\n"
	"                       recorded); AArch64: the user table, the lower VA half\n"
	"  --ttbr1 VALUE        AArch64: the kernel table, the upper VA half (default: the\n"
	"                       value the dump recorded)\n"
	"  --tcr VALUE          AArch64: TCR_EL1, the VA and PA sizes and the cpu: flags it\n"
	"                       holds (default: the dump's, else the config's)\n";

int cmd_translate(struct cli *cli, struct args *a)
{
	mmusim_request req = { .access = MMUSIM_READ, .priv = MMUSIM_USER };
	struct translate_output output = { 0 };
	const char **vas = calloc((size_t)a->argc + 1, sizeof(*vas));
	int nr_vas = 0, rc;

	if (!vas)
		return EXIT_INTERNAL;
	palette_init(&output.plain, false);
	while (a->i < a->argc) {
		int r;

		if (args_help(a)) {
			cli_put_help(translate_help, stdout);
			free(vas);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0 || (r = cli_request_option(&req, a)) != 0) {
			if (r < 0)
				goto bad;
			continue;
		}
		if (args_flag(a, "--explain")) { output.explain = true; continue; }
		if (args_flag(a, "--ostep")) { output.ostep = true; continue; }
		if (cli_va_operand(a, "translate", vas, &nr_vas) < 0)
			goto bad;
	}
	if (nr_vas == 0) {
		cli_usage_error("translate: no VA given (see mmusim translate --help)");
		goto bad;
	}
	output.json = cli->json;
	if (output.ostep && (output.json || output.explain)) {
		cli_usage_error("translate: --ostep prints the answer key's lines: not with --%s", output.json ? "json" : "explain");
		goto bad;
	}
	if (output.ostep && (rc = check_ostep(cli)) != EXIT_OK) {
		free(vas);
		return rc;
	}
	rc = cli_translate_vas(cli, req, vas, nr_vas, print_translation, &output);
	free(vas);
	return rc;
bad:
	free(vas);
	return EXIT_BAD_INPUT;
}
