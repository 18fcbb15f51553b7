/*
 * image_vmcoreinfo: the VMCOREINFO note a Linux kdump vmcore carries (and a QEMU
 * core of a guest with -device vmcoreinfo), read for the kernel's page table.
 */
#ifndef MMUSIM_FORMATS_IMAGE_VMCOREINFO_H
#define MMUSIM_FORMATS_IMAGE_VMCOREINFO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * True, with *root the PA of an x86-64 kernel's top-level table and *levels 4 or
 * 5 (0 when the note does not say), when the note (name[0..namesz), type,
 * desc[0..descsz)) is VMCOREINFO holding SYMBOL(init_top_pgt) (init_level4_pgt
 * before Linux 4.13) and NUMBER(phys_base); false otherwise.
 */
bool image_vmcoreinfo_x86_64_root(const uint8_t *name, uint64_t namesz, uint64_t type, const uint8_t *desc,
				  uint64_t descsz, uint64_t *root, unsigned *levels);

#endif
