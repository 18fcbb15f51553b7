/*
 * mmusim dump: writes simulated physical memory as an ELF64 file whose
 * PT_LOAD segments sit at the frames' physical addresses, and prints the root
 * of the current table and the register value a CPU would load (x86 CR3 with
 * the PCID, RISC-V satp with MODE, ASID and PPN).  Every address space's root
 * is recorded in an ELF note, so `--image FILE` finds it again.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "sim/elf_dump.h"

/*
 * Writes m's memory to path with one root note per address space, the current
 * one first (a reader takes the first by default).  Fills *roots_out (malloc'd)
 * if asked.
 */
static int dump_roots(struct machine *m, const char *path, struct elf_dump_root **roots_out,
		      struct mm_error *err)
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
	if (rc || !roots_out)
		free(roots);
	else
		*roots_out = roots;
	return rc;
}

int dump_machine(struct machine *m, const char *path, struct mm_error *err)
{
	return dump_roots(m, path, NULL, err);
}

static const char dump_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] dump --elf FILE [--setup TRACE] [--map ...]...\n"
	"\n"
	"Writes physical memory (the page-table nodes) as an ELF64 file with PT_LOAD\n"
	"segments at the frames' physical addresses (QEMU: -device loader,file=FILE), and\n"
	"prints the root of the current table and the cr3 / satp value that selects it.\n";

int cmd_dump(struct cli *cli, struct args *a)
{
	const char *elf = NULL, *v;
	struct machine *m = NULL;
	struct mm_error err = { 0 };
	struct elf_dump_root *roots = NULL;
	int r, rc = EXIT_OK;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(dump_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--elf", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			elf = v;
			continue;
		}
		return cli_usage_error("dump: unexpected argument '%s' (see mmusim dump --help)", arg);
	}
	if (!elf)
		return cli_usage_error("dump: needs --elf FILE (see mmusim dump --help)");
	if (cli->image)
		return cli_usage_error("dump: writes the machine built from --setup/--map, not an --image");
	if (cli_build_machine(cli, &m, &err))
		return cli_fail(&err);

	if (dump_roots(m, elf, &roots, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	const struct pt_arch *arch = m->cfg.arch;
	if (cli->json) {
		fputs("{\"elf\":", stdout);
		json_write_str(stdout, elf);
		printf(",\"root\":\"0x%" PRIx64 "\",\"%s\":\"0x%" PRIx64 "\"}\n", roots[0].root,
		       arch->root_register, roots[0].reg);
	} else
		printf("wrote %s: root 0x%" PRIx64 ", %s 0x%" PRIx64 "\n", elf, roots[0].root, arch->root_register,
		       roots[0].reg);
out:
	free(roots);
	machine_destroy(m);
	return rc;
}
