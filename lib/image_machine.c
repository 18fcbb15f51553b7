/*
 * image_machine: an ELF core of one architecture walked with another's config
 * reads its PTEs in a foreign format and answers with confident nonsense; the
 * core's e_machine says which machine wrote it (QEMU and mmusim both set it;
 * QEMU writes EM_386 for an x86 guest not in long mode, as mmusim's x86_32 does).
 * EM_NONE names no machine and is accepted: mmusim's toy dumps carry it.  A
 * vmcore also says how many levels its kernel's table has.
 */
#include "image_machine.h"

#include "pt/pt_arch.h"

static const char *machine_name(unsigned m)
{
	switch (m) {
	case 3: return "an i386";
	case 62: return "an x86-64";
	case 183: return "an AArch64";
	case 243: return "a RISC-V";
	default: return "another machine's";
	}
}

int image_machine_check(const struct image *img, const char *path, const struct machine_config *cfg,
			struct mm_error *err)
{
	unsigned m = image_elf_machine(img), levels = image_paging_levels(img);

	if (m != 0 && m != cfg->arch->elf_machine && !(cfg->stage2.arch && m == cfg->stage2.arch->elf_machine))
		return mm_error_set(err, MM_EINVAL,
				    "%s: %s core (e_machine %u), but config %s walks %s page tables (e_machine %u)",
				    path, machine_name(m), m, cfg->name, cfg->arch->name, cfg->arch->elf_machine);
	/* Only an x86-64 vmcore says its levels: 5 is LA57, which the x86_64_la57 preset walks. */
	if (levels && levels != cfg->pc.nr_levels)
		return mm_error_set(err, MM_EINVAL, "%s: the kernel of this vmcore walks %u levels "
				    "(NUMBER(pgtable_l5_enabled)=%u), but the config walks %u (use %s)",
				    path, levels, levels == 5, cfg->pc.nr_levels, levels == 5 ? "x86_64_la57" : "x86_64");
	return MM_OK;
}
