/*
 * elf_dump: simulated physical memory written as an ELF64 core file.
 *
 * The file is what `mmusim dump --elf FILE` writes, what QEMU's generic loader
 * (`-device loader,file=FILE`) copies into guest RAM at physical addresses, and
 * what sim/image.c reads back.  Layout (ELF64, little-endian, host order is
 * little-endian too):
 *
 *   Elf64_Ehdr   e_type ET_CORE, e_machine EM_X86_64, EM_RISCV, EM_AARCH64,
 *                EM_386 or EM_NONE (toy), EI_OSABI
 *                SYSV, e_entry 0, e_phoff 64, no section headers (e_shnum 0).
 *   Elf64_Phdr[] [0] PT_NOTE (p_align 4, p_vaddr = p_paddr = 0), then one
 *                PT_LOAD per run of backed frames in ascending PA order:
 *                p_paddr = p_vaddr = PA, p_filesz = p_memsz = length (a
 *                multiple of the frame size), p_flags PF_R|PF_W,
 *                p_align = frame size, p_offset a multiple of the frame size.
 *                Runs never overlap; two runs are never adjacent.
 *   notes        right after the program headers, one per root:
 *                  Elf64_Nhdr { n_namesz 7, n_descsz 32, n_type 0x4d4d0001 }
 *                  "MMUSIM\0" + 1 byte padding
 *                  desc, 32 bytes, little-endian, at 4-byte (not 8-byte)
 *                  alignment in the file:
 *                    0  char name[16]   NUL-terminated and NUL-padded
 *                   16  u64  root       PA of the top-level node
 *                   24  u64  reg        CR3 (with PCID) or satp
 *                Each note is 52 bytes; notes follow each other with no gap.
 *                Then one note per control register the machine records
 *                (AArch64: ttbr0, ttbr1, tcr, mair, sctlr; none for x86 and
 *                RISC-V, whose root note's reg says it all):
 *                  Elf64_Nhdr { n_namesz 7, n_descsz 24, n_type 0x4d4d0002 }
 *                  "MMUSIM\0" + 1 byte padding
 *                  desc, 24 bytes, little-endian:
 *                    0  char name[16]   NUL-terminated and NUL-padded
 *                   16  u64  value      the register as the CPU holds it
 *                Each is 44 bytes, right after the root notes, no gap.
 *   zeros        up to the first frame-aligned offset
 *   frame data   the PT_LOAD segments, back to back, in phdr order.
 *
 * Unbacked memory reads as zero, so a run may also contain zero frames that
 * were never backed: when there would be more PT_LOAD segments than ELF's
 * e_phnum can count (0xfffe with the note), the smallest gaps are filled with
 * zeros until the runs fit.  A reader may skip all-zero frames.
 */
#ifndef MMUSIM_SIM_ELF_DUMP_H
#define MMUSIM_SIM_ELF_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "sim/physmem.h"

#define ELF_DUMP_NOTE_NAME "MMUSIM"   /* n_namesz counts the NUL: 7 */
#define ELF_DUMP_NOTE_ROOT 0x4d4d0001u /* n_type of a root note: "MM" 1, clear of core note types */
#define ELF_DUMP_NOTE_DESCSZ 32       /* name[16] + root + reg */
#define ELF_DUMP_NOTE_REG 0x4d4d0002u  /* n_type of a register note: "MM" 2 */
#define ELF_DUMP_NOTE_REG_DESCSZ 24   /* name[16] + value */

struct elf_dump_root {
	char name[16];      /* e.g. "asid0", "kernel"; NUL-terminated (at most 15 characters) */
	uint64_t root;      /* PA of the top-level node */
	uint64_t reg;       /* the value a CPU would load: x86 CR3 (with PCID) or RISC-V satp */
};

struct elf_dump_reg {
	char name[16];      /* e.g. "tcr"; NUL-terminated (at most 15 characters) */
	uint64_t value;
};

/*
 * Writes every backed frame of pm, one note per root and one per register to
 * path, whole or not at all (output_file.h: a temporary file renamed into
 * place).  e_machine: EM_X86_64 (62), EM_RISCV (243), EM_AARCH64 (183),
 * EM_386 (3, x86_32) or EM_NONE (0, the toy format).
 * Returns MM_OK or MM_EIO with "PATH: message" (path keeps what it held);
 * MM_EINVAL for another e_machine or a name without NUL (nothing is written),
 * MM_ENOMEM if host memory runs out.
 */
int elf_dump_write(const char *path, const struct physmem *pm, uint16_t e_machine,
		   const struct elf_dump_root *roots, size_t nr_roots, const struct elf_dump_reg *regs,
		   size_t nr_regs, struct mm_error *err);

#endif
