/*
 * image_machine: an ELF core of one architecture walked with another's config
 * reads its PTEs in a foreign format and answers with confident nonsense; the
 * core's e_machine says which machine wrote it (QEMU and mmusim both set it;
 * QEMU writes EM_386 for an x86 guest not in long mode, as mmusim's x86_32 does).
 * EM_NONE names no machine and is accepted: mmusim's toy dumps carry it.
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
	unsigned m = image_elf_machine(img);

	if (m == 0 || m == cfg->arch->elf_machine ||
	    (cfg->stage2.arch && m == cfg->stage2.arch->elf_machine))
		return MM_OK;
	return mm_error_set(err, MM_EINVAL, "%s: %s core (e_machine %u), but config %s walks %s page tables (e_machine %u)",
			    path, machine_name(m), m, cfg->name, cfg->arch->name, cfg->arch->elf_machine);
}
