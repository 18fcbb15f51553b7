/*
 * mmusim dump: writes simulated physical memory as an ELF64 file whose
 * PT_LOAD segments sit at the frames' physical addresses, and prints the root
 * of the current table and the register value a CPU would load (x86 CR3 with
 * the PCID, RISC-V satp with MODE, ASID and PPN; AArch64 TTBR0 and TTBR1 with
 * TCR_EL1, MAIR_EL1 and SCTLR_EL1).  Every address space's root, and the
 * control registers of a format that has them, are recorded in ELF notes, so
 * `--image FILE` finds them again.
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
	"prints the root of the current table and the cr3 / satp value that selects it\n"
	"(aarch64: ttbr0, ttbr1, tcr, mair and sctlr, the values that walk the dump).\n";

/* "elf" in JSON, "wrote FILE:" in text. */
static void print_file(const struct cli *cli, const char *elf)
{
	if (cli->json) {
		fputs("{\"elf\":", stdout);
		json_write_str(stdout, elf);
	} else {
		fputs("wrote ", stdout);
		term_write(stdout, elf);
		fputc(':', stdout);
	}
}

/* One "name value" pair after the file: `,"name":"0x..."` or ` name 0x...`, the first without a comma in text. */
static void print_value(const struct cli *cli, bool first, const char *name, uint64_t value)
{
	if (cli->json)
		printf(",\"%s\":\"0x%" PRIx64 "\"", name, value);
	else
		printf("%s %s 0x%" PRIx64, first ? "" : ",", name, value);
}

/* x86 and RISC-V: the root and the register that selects it (cr3 with the PCID, satp). */
static void print_root(const struct cli *cli, mmusim_machine *m, const char *elf)
{
	uint64_t reg;
	const char *reg_name = mmusim_root_register(m, &reg);

	print_file(cli, elf);
	print_value(cli, true, "root", mmusim_root(m));
	print_value(cli, false, reg_name, reg);
	fputs(cli->json ? "}\n" : "\n", stdout);
}

/*
 * A format with a root per VA half (AArch64): both root registers (the
 * tables' PAs, ASID 0) and the control registers, the values a CPU loads to
 * walk the dump: ttbr0, ttbr1, tcr, mair, sctlr.
 */
static void print_split_roots(const struct cli *cli, mmusim_machine *m, const char *elf)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	const char *name;
	uint64_t value;

	print_file(cli, elf);
	print_value(cli, true, mmusim_config_root_register(cfg), mmusim_config_root_register_value(cfg, mmusim_root(m), 0));
	print_value(cli, false, mmusim_config_upper_root_register(cfg),
		    mmusim_config_root_register_value(cfg, mmusim_upper_root(m), 0));
	for (unsigned i = 0; (name = mmusim_config_register(cfg, i, &value)) != NULL; i++)
		print_value(cli, false, name, value);
	fputs(cli->json ? "}\n" : "\n", stdout);
}

/*
 * A virtual machine: the stage-2 root register and the guest's (hgatp and
 * vsatp on RISC-V), then g_root, the stage-2 root's host PA, and vs_root,
 * the guest root's GPA.
 */
static void print_vm_roots(const struct cli *cli, mmusim_machine *m, const char *elf)
{
	char guest_reg[32];
	uint64_t reg;

	print_file(cli, elf);
	print_value(cli, true, mmusim_stage2_root_register_name(m), mmusim_stage2_root_register(m));
	mmusim_root_register(m, &reg);
	print_value(cli, false, mmusim_guest_root_register_name(m, guest_reg, sizeof(guest_reg)), reg);
	/* A guest with a table per VA half (Arm TTBR1_EL1) has a second root. */
	if (mmusim_config_upper_root_register(mmusim_machine_config(m)))
		print_value(cli, false, mmusim_config_upper_root_register(mmusim_machine_config(m)),
			    mmusim_config_root_register_value(mmusim_machine_config(m), mmusim_upper_root(m), 0));
	print_value(cli, false, "g_root", mmusim_stage2_root(m));
	print_value(cli, false, "vs_root", mmusim_root(m));
	fputs(cli->json ? "}\n" : "\n", stdout);
}

int cmd_dump(struct cli *cli, struct args *a)
{
	const char *elf = NULL, *v;
	mmusim_machine *m = NULL;
	mmusim_error err = { 0 };
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
	if ((rc = cli_output_not_stdout("dump", "--elf", elf, "the ELF file", "summary")) != EXIT_OK ||
	    (rc = cli_output_check(cli, elf, NULL, 0)) != EXIT_OK)
		return rc;
	if (cli_build_machine(cli, &m, &err))
		return cli_fail(&err);

	if (mmusim_dump_elf(m, elf, &err)) {
		rc = cli_output_fail(&err);
		goto out;
	}
	/* The dump's first note: the current address space (a VM's: its stage-2 table). */
	if (mmusim_machine_is_vm(m))
		print_vm_roots(cli, m, elf);
	else if (mmusim_config_upper_root_register(mmusim_machine_config(m)))
		print_split_roots(cli, m, elf);
	else
		print_root(cli, m, elf);
out:
	mmusim_machine_destroy(m);
	return rc;
}
