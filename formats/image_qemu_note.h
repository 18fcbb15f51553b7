/*
 * image_qemu_note: the CPU state QEMU's dump-guest-memory writes into an x86
 * core, one "QEMU" note per CPU, read for the table the CPU was walking.
 */
#ifndef MMUSIM_FORMATS_IMAGE_QEMU_NOTE_H
#define MMUSIM_FORMATS_IMAGE_QEMU_NOTE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * True, with cr[0..4] (CR0 to CR4), when the note (name[0..namesz), type,
 * desc[0..descsz)) is QEMU's x86 CPU state (QEMUCPUState version 1) of a CPU
 * with paging on (CR0.PG = 1); false for any other note, a short or unknown
 * version, or a CPU with paging off, whose CR3 names no table.
 */
bool image_qemu_x86_cpu(const uint8_t *name, uint64_t namesz, uint64_t type, const uint8_t *desc,
			uint64_t descsz, uint64_t cr[5]);

#endif
