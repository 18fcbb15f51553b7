/*
 * image_qemu_note: QEMU's x86 CPU state note (see image_qemu_note.h).
 *
 * Layout, from QEMU's target/i386/arch_dump.c (QEMUCPUState, version 1; the
 * same for 32- and 64-bit guests): u32 version, u32 size, 16 GPRs, RIP and
 * RFLAGS (u64 each), 10 segment descriptors of 24 bytes (cs ds es fs gs ss ldt
 * tr gdt idt), then u64 cr[5] and kernel_gs_base.  Fields are read at their
 * offsets, little-endian, after checking the note holds them.
 */
#include "image_qemu_note.h"

#include <string.h>

#include "sim/byteorder.h"

#define QEMU_NOTE_NAME "QEMU"
#define QEMU_CPU_STATE_VERSION 1u
#define QEMU_CPU_STATE_CR0 (8u + 18u * 8u + 10u * 24u)
#define CR0_PG (1ull << 31)

bool image_qemu_x86_cpu(const uint8_t *name, uint64_t namesz, uint64_t type, const uint8_t *desc,
			uint64_t descsz, uint64_t cr[5])
{
	/* "QEMU\0"; like the MMUSIM note, also accept the name without its NUL. */
	if ((namesz != sizeof(QEMU_NOTE_NAME) && namesz != sizeof(QEMU_NOTE_NAME) - 1) ||
	    memcmp(name, QEMU_NOTE_NAME, namesz) != 0 || type != 0)
		return false;
	if (descsz < QEMU_CPU_STATE_CR0 + 5 * 8 || load_le(desc, 4) != QEMU_CPU_STATE_VERSION)
		return false;
	if (!(load_le(desc + QEMU_CPU_STATE_CR0, 8) & CR0_PG))
		return false;
	for (unsigned i = 0; i < 5; i++)
		cr[i] = load_le(desc + QEMU_CPU_STATE_CR0 + 8 * i, 8);
	return true;
}
