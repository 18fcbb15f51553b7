/*
 * mmusim dump: writes simulated physical memory as an ELF64 file whose
 * PT_LOAD segments sit at the frames' physical addresses, and prints the root
 * of the current table and the register value a CPU would load (x86 CR3 with
 * the PCID, RISC-V satp with MODE, ASID and PPN).  Every address space's root
 * is recorded in an ELF note, so `--image FILE` finds it again.
 */
#include "commands.h"

#include <inttypes.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "json_string.h"
#include "term_text.h"

static const char dump_help[] =
	"usage: mmusim [--config NAME|FILE] [--json] dump --elf FILE [--setup TRACE] [--map ...]...\n"
	"\n"
	"Writes physical memory (the page-table nodes) as an ELF64 file with PT_LOAD\n"
	"segments at the frames' physical addresses (QEMU: -device loader,file=FILE), and\n"
	"prints the root of the current table and the cr3 / satp value that selects it.\n";

int cmd_dump(struct cli *cli, struct args *a)
{
	const char *elf = NULL, *v;
	mmusim_machine *m = NULL;
	mmusim_error err = { 0 };
	const char *reg_name;
	uint64_t reg;
	int r, rc = EXIT_OK;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		if (args_help(a)) {
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
	if ((rc = cli_output_check(cli, elf, NULL, 0)) != EXIT_OK)
		return rc;
	if (cli_build_machine(cli, &m, &err))
		return cli_fail(&err);

	if (mmusim_dump_elf(m, elf, &err)) {
		rc = cli_output_fail(&err);
		goto out;
	}
	/* The dump's first note: the current address space. */
	reg_name = mmusim_root_register(m, &reg);
	if (cli->json) {
		fputs("{\"elf\":", stdout);
		json_write_str(stdout, elf);
		printf(",\"root\":\"0x%" PRIx64 "\",\"%s\":\"0x%" PRIx64 "\"}\n", mmusim_root(m),
		       reg_name, reg);
	} else {
		fputs("wrote ", stdout);
		term_write(stdout, elf);
		printf(": root 0x%" PRIx64 ", %s 0x%" PRIx64 "\n", mmusim_root(m), reg_name, reg);
	}
out:
	mmusim_machine_destroy(m);
	return rc;
}
