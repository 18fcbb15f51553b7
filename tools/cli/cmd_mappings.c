/*
 * mmusim mappings: the current address space as contiguous ranges,
 * "VA_START VA_END PA_START PERMS" (end exclusive), sorted by VA.  Two leaves
 * merge only when both VA and PA continue and the permissions are equal.
 * Ranges are kept with an inclusive last byte, so one that reaches the top of
 * the 64-bit space has an end of 2^64, printed as 0x10000000000000000.
 */
#include "commands.h"

#include <inttypes.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"

struct range {
	bool open;
	uint64_t va, va_last, pa;
	unsigned perms;
};

struct printer {
	FILE *out;
	bool json;
	struct range cur;
};

static void flush_range(struct printer *p)
{
	char perms[6];

	if (!p->cur.open)
		return;
	mmusim_perms_string(p->cur.perms, perms);
	/* The exclusive end in hex: 2^64 needs a 17th digit. */
	char end[24];
	if (p->cur.va_last == UINT64_MAX)
		snprintf(end, sizeof(end), "0x10000000000000000");
	else
		snprintf(end, sizeof(end), "0x%" PRIx64, p->cur.va_last + 1);
	if (p->json)
		fprintf(p->out, "{\"va_start\":\"0x%" PRIx64 "\",\"va_end\":\"%s\",\"pa_start\":\"0x%" PRIx64
			"\",\"perms\":\"%s\"}\n", p->cur.va, end, p->cur.pa, perms);
	else
		fprintf(p->out, "0x%" PRIx64 " %s 0x%" PRIx64 " %s\n", p->cur.va, end, p->cur.pa, perms);
	p->cur.open = false;
}

static int add_leaf(void *arg, const mmusim_mapping *m)
{
	struct printer *p = arg;
	struct range *r = &p->cur;

	if (r->open && r->va_last != UINT64_MAX && r->va_last + 1 == m->va && r->pa + (m->va - r->va) == m->pa &&
	    r->perms == m->perms) {
		r->va_last = m->va + (m->size - 1);
		return 0;
	}
	flush_range(p);
	*r = (struct range){ .open = true, .va = m->va, .va_last = m->va + (m->size - 1), .pa = m->pa,
			     .perms = m->perms };
	return 0;
}

static const char mappings_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] mappings [--setup TRACE] [--map ...]...\n"
	"\n"
	"Prints the current address space (user table plus the shared kernel part) as\n"
	"contiguous ranges: VA_START VA_END PA_START PERMS (hex, end exclusive, sorted).\n"
	"Ranges merge only when VA and PA are both contiguous and PERMS are equal.\n"
	"PERMS is rwxug with '-' for each permission the hardware would not grant.\n"
	"\n"
	"options:\n"
	"  --setup TRACE        apply a text trace first\n"
	"  --map 'VA PA LEN FLAGS [cache=..]'   map a range (repeatable)\n"
	"  --json               one JSON object per range\n"
	"  --config NAME|FILE   machine config (default x86_64)\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       list the page tables inside a physical-memory image\n";

int cmd_mappings(struct cli *cli, struct args *a)
{
	mmusim_machine *m;
	mmusim_error err = { 0 };
	struct printer p = { .out = stdout, .json = cli->json };

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		int r;

		if (args_help(a)) {
			fputs(mappings_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) < 0)
			return EXIT_BAD_INPUT;
		if (r == 0)
			return cli_usage_error("mappings: unexpected argument '%s' (see mmusim mappings --help)", arg);
	}
	p.json = cli->json;
	if (cli_open_machine(cli, &m, &err))
		return cli_fail(&err);
	/* An unreadable root lists nothing, which would read as "no mappings": say why instead (as show does). */
	const uint64_t roots[2] = { mmusim_root(m), mmusim_upper_root(m) };
	for (unsigned h = 0; h < 2; h++) {
		uint64_t pte;

		if ((h == 0 || roots[h]) &&
		    mmusim_mem_read(m, roots[h], mmusim_config_pte_size(mmusim_machine_config(m)), &pte) != MMUSIM_OK) {
			mmusim_machine_destroy(m);
			return cli_usage_error("mappings: cannot read the root table at 0x%llx: outside physical memory",
					       (unsigned long long)roots[h]);
		}
	}
	int walked = mmusim_for_each_mapping(m, add_leaf, &p);
	flush_range(&p);
	mmusim_machine_destroy(m);
	if (walked == MMUSIM_FOR_EACH_LOOP)
		return cli_usage_error("mappings: stopped: the page table leads back into its own nodes more than %d "
				       "times (entries that point back into the table)", MMUSIM_FOR_EACH_MAX_REENTRIES);
	if (walked == MMUSIM_FOR_EACH_SHARED)
		return cli_usage_error("mappings: stopped: page-table nodes are reached again through more than %d "
				       "other entries (nodes shared under many entries repeat their mappings each time)",
				       MMUSIM_FOR_EACH_MAX_SHARED);
	if (walked == MMUSIM_FOR_EACH_NO_MEMORY) {
		cli_usage_error("mappings: out of memory");
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}
