/*
 * mmusim translate: one hardware walk per VA through the current address
 * space, answered with the PA, page size and permissions, or the fault the
 * hardware would raise (a fault is a successful answer: exit 0).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"

static void print_text(FILE *out, const struct walk_request *req, const struct walk_result *res,
		       const struct machine_config *cfg)
{
	fprintf(out, "0x%" PRIx64 " %s %s: ", req->va, access_kind_name(req->access),
		privilege_name(req->priv));
	if (res->ok) {
		char size[32], perms[6];
		format_size(res->page_size, size, sizeof(size));
		perms_format(res->perms, perms);
		fprintf(out, "pa 0x%" PRIx64 " (%s page, level %u) perms %s\n", res->pa, size,
			res->level, perms);
	} else {
		char code[96];
		cfg->arch->describe_fault(&res->fault, code, sizeof(code));
		fprintf(out, "fault %s at level %u, %s: %s\n", fault_kind_name(res->fault.kind),
			res->fault.level, code, walk_reason_text(res->fault.reason));
	}
}

static void print_json(FILE *out, const struct walk_request *req, const struct walk_result *res,
		       bool explain)
{
	fprintf(out, "{\"va\":\"0x%" PRIx64 "\",\"access\":\"%s\",\"priv\":\"%s\"", req->va,
		access_kind_name(req->access), privilege_name(req->priv));
	if (res->ok) {
		char perms[6];
		perms_format(res->perms, perms);
		fprintf(out, ",\"pa\":\"0x%" PRIx64 "\",\"level\":%u,\"page_size\":%" PRIu64
			",\"perms\":\"%s\",\"pte_addrs\":[", res->pa, res->level, res->page_size, perms);
		for (unsigned i = 0; i < res->nr_steps; i++)
			fprintf(out, "%s\"0x%" PRIx64 "\"", i ? "," : "", res->steps[i].pte_addr);
		fputc(']', out);
	} else {
		fprintf(out, ",\"fault\":{\"kind\":\"%s\",\"level\":%u,\"code\":\"0x%" PRIx64 "\"}",
			fault_kind_name(res->fault.kind), res->fault.level, res->fault.code);
	}
	if (explain) {
		fputs(",\"steps\":[", out);
		for (unsigned i = 0; i < res->nr_steps; i++) {
			const struct walk_step *s = &res->steps[i];
			fprintf(out, "%s{\"level\":%u,\"table\":\"0x%" PRIx64 "\",\"index\":%u,"
				"\"pte_addr\":\"0x%" PRIx64 "\",\"pte\":\"0x%" PRIx64 "\"}",
				i ? "," : "", s->level, s->table, s->index, s->pte_addr, s->pte);
		}
		fputc(']', out);
		if (!res->ok)
			fprintf(out, ",\"reason\":\"%s\"", walk_reason_text(res->fault.reason));
	}
	fputs("}\n", out);
}

static const char translate_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] translate [options] VA...\n"
	"\n"
	"Walks each VA through the page tables the way the hardware would and prints the\n"
	"physical address, page size and permissions, or the fault it would raise.\n"
	"\n"
	"options:\n"
	"  --setup TRACE        apply a text trace first (map/unmap/protect/r/w/x lines)\n"
	"  --map 'VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp]'\n"
	"                       map a range (repeatable; applied in order with --setup)\n"
	"  --access r|w|x       the access to translate (default r)\n"
	"  --user               user-mode access (default)\n"
	"  --supervisor         supervisor-mode access\n"
	"  --ac                 x86: EFLAGS.AC=1, so SMAP does not apply\n"
	"  --explain            show the walk level by level\n"
	"  --json               one JSON object per VA\n"
	"  --config NAME|FILE   machine config: x86_64 (default), x86_64_la57, sv39, sv48,\n"
	"                       sv57, or a YAML file\n"
	"  --image FILE         walk the page tables inside a physical-memory image (an ELF\n"
	"                       from 'mmusim dump' or QEMU dump-guest-memory, or a raw file)\n"
	"  --image-base PA      where a raw image starts in physical memory (default 0)\n"
	"  --root PA | --cr3 VALUE | --satp VALUE\n"
	"                       the table to walk in the image (default: the root the dump\n"
	"                       recorded)\n";

int cmd_translate(struct cli *cli, struct args *a)
{
	struct walk_request req = { .access = ACCESS_READ, .priv = PRIV_USER };
	bool explain = false;
	const char **vas = calloc((size_t)a->argc + 1, sizeof(*vas));
	int nr_vas = 0, rc = EXIT_OK;
	struct view view;
	bool opened = false;
	struct mm_error err = { 0 };

	if (!vas)
		return EXIT_INTERNAL;
	while (a->i < a->argc) {
		const char *v, *arg = a->argv[a->i];
		int r;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(translate_help, stdout);
			free(vas);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				goto bad;
			continue;
		}
		if ((r = args_value(a, "--access", &v)) != 0) {
			if (r < 0)
				goto bad;
			if (strcmp(v, "r") == 0) req.access = ACCESS_READ;
			else if (strcmp(v, "w") == 0) req.access = ACCESS_WRITE;
			else if (strcmp(v, "x") == 0) req.access = ACCESS_EXEC;
			else {
				cli_usage_error("bad --access '%s' (expected r, w or x)", v);
				goto bad;
			}
			continue;
		}
		if (args_flag(a, "--user")) { req.priv = PRIV_USER; continue; }
		if (args_flag(a, "--supervisor")) { req.priv = PRIV_SUPERVISOR; continue; }
		if (args_flag(a, "--ac")) { req.smap_ac = true; continue; }
		if (args_flag(a, "--explain")) { explain = true; continue; }
		if (arg[0] == '-' && arg[1] == '-') {
			cli_usage_error("translate: unknown option '%s' (see mmusim translate --help)", arg);
			goto bad;
		}
		vas[nr_vas++] = arg;
		a->i++;
	}
	if (nr_vas == 0) {
		cli_usage_error("translate: no VA given (see mmusim translate --help)");
		goto bad;
	}
	/* Check every VA before building anything, so bad input costs nothing. */
	for (int i = 0; i < nr_vas; i++) {
		uint64_t va;
		if (cli_parse_va(vas[i], &va, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
	}
	if (cli_open_view(cli, &view, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	opened = true;
	req.root = view.root;
	for (int i = 0; i < nr_vas; i++) {
		struct walk_result res;
		cli_parse_va(vas[i], &req.va, &err);
		walk(&view.walker, &req, &res);
		if (cli->json)
			print_json(stdout, &req, &res, explain);
		else if (explain)
			explain_walk(stdout, &view.cfg, &req, &res);
		else
			print_text(stdout, &req, &res, &view.cfg);
	}
out:
	if (opened)
		cli_close_view(&view);
	free(vas);
	return rc;
bad:
	free(vas);
	return EXIT_BAD_INPUT;
}
