/*
 * End to end: translating over memory dumps as other tools write them — here
 * QEMU's dump-guest-memory core of a 32-bit guest, which is ELF32
 * (qemu-system-riscv32 writes ELFCLASS32, EM_RISCV).  The cores are built byte
 * by byte with the layout QEMU uses: a PT_NOTE, then one PT_LOAD per RAM block
 * at its physical address, holes between them.  Expected answers are worked by
 * hand from the RISC-V privileged spec (Sv32).
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define CORE_LEN 0x5000u

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_phdr32(uint8_t *ph, uint32_t type, uint32_t off, uint32_t pa, uint32_t filesz,
		       uint32_t memsz)
{
	put32(ph + offsetof(Elf32_Phdr, p_type), type);
	put32(ph + offsetof(Elf32_Phdr, p_offset), off);
	put32(ph + offsetof(Elf32_Phdr, p_paddr), pa);
	put32(ph + offsetof(Elf32_Phdr, p_filesz), filesz);
	put32(ph + offsetof(Elf32_Phdr, p_memsz), memsz);
}

/*
 * An Sv32 core: RAM 0x80000000 (file bytes 0x1000.., 0x3000 in the file, 0x4000 of
 * memory: the last page reads as zeros) and 0x80010000 (one page), a hole between.
 * Root 0x80001000:
 *   VPN[1] 1 -> table 0x80002000, whose VPN[0] 1 maps 0x80345000 rwu, A, D;
 *   VPN[1] 2 -> table 0x80008000, in the hole;
 *   VPN[1] 3 -> table 0x80003000, in the zero tail.
 */
static char *write_sv32_core(void)
{
	static uint8_t core[CORE_LEN];
	uint8_t *eh = core, *ph = core + sizeof(Elf32_Ehdr);
	uint8_t *note = core + 0x100;

	memset(core, 0, sizeof(core));
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS32;
	eh[EI_DATA] = ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	put16(eh + offsetof(Elf32_Ehdr, e_type), ET_CORE);
	put16(eh + offsetof(Elf32_Ehdr, e_machine), EM_RISCV);
	put32(eh + offsetof(Elf32_Ehdr, e_version), EV_CURRENT);
	put32(eh + offsetof(Elf32_Ehdr, e_phoff), sizeof(Elf32_Ehdr));
	put16(eh + offsetof(Elf32_Ehdr, e_ehsize), sizeof(Elf32_Ehdr));
	put16(eh + offsetof(Elf32_Ehdr, e_phentsize), sizeof(Elf32_Phdr));
	put16(eh + offsetof(Elf32_Ehdr, e_phnum), 3);

	/* A CORE note as QEMU writes (NT_PRSTATUS, contents irrelevant here). */
	put32(note, 5);
	put32(note + 4, 8);
	put32(note + 8, NT_PRSTATUS);
	memcpy(note + 12, "CORE", 5);
	put_phdr32(ph, PT_NOTE, 0x100, 0, 12 + 8 + 8, 12 + 8 + 8);
	put_phdr32(ph + sizeof(Elf32_Phdr), PT_LOAD, 0x1000, 0x80000000u, 0x3000, 0x4000);
	put_phdr32(ph + 2 * sizeof(Elf32_Phdr), PT_LOAD, 0x4000, 0x80010000u, 0x1000, 0x1000);

	/* File offset = 0x1000 + (PA - 0x80000000) in the first segment. */
	put32(core + 0x1000 + 0x1000 + 1 * 4, (0x80002u << 10) | 0x01);
	put32(core + 0x1000 + 0x1000 + 2 * 4, (0x80008u << 10) | 0x01);
	put32(core + 0x1000 + 0x1000 + 3 * 4, (0x80003u << 10) | 0x01);
	put32(core + 0x1000 + 0x2000 + 1 * 4, (0x80345u << 10) | 0xd7); /* V R W U A D */
	return write_temp_bytes(core, sizeof(core));
}

Test(cli_dumps, elf32_core_of_a_32_bit_guest)
{
	char *core = write_sv32_core();
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--image", core, "--root",
				"0x80001000", "0x401234", "0x801000", "0xc01000", NULL),
		     0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out,
			 "0x401234 r user: pa 0x80345234 (4K page, level 1) perms rw-u-\n"
			 "0x801000 r user: fault bus-error at level 1, scause 5 (load access fault): "
			 "the PTE address lies outside physical memory\n"
			 "0xc01000 r user: fault not-present at level 1, scause 13 (load page fault): "
			 "the PTE is not present (P/V bit clear)\n");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);

	/* mappings lists the one page, as over any image. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "mappings", "--image", core, "--satp",
				"0x80080001", NULL),
		     0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x401000 0x402000 0x80345000 rw-u-\n");
	run_result_free(&r);
	remove_temp_file(core);
}

Test(cli_dumps, elf_of_no_known_class_is_refused)
{
	char *core = write_sv32_core(), want[512];
	struct run_result r;
	FILE *f;

	f = fopen(core, "r+b");
	cr_assert_not_null(f);
	fseek(f, EI_CLASS, SEEK_SET);
	fputc(ELFCLASSNONE, f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--image", core, "--root",
				"0x80001000", "0x401234", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want), "mmusim: %s: not a little-endian ELF32 or ELF64 file\n", core);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(core);
}

/* A core cut short (a full disk, a copy interrupted) says so, before any walk. */
Test(cli_dumps, truncated_core_is_named_as_such)
{
	char *core = write_sv32_core(), want[512];
	struct run_result r;

	cr_assert_eq(truncate(core, 0x3000), 0);
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--image", core, "--root",
				"0x80001000", "0x401234", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: %s: segment 1 (memory) is file bytes 0x1000 + 0x3000, past the end of the "
		 "file (0x3000 bytes): the file is truncated\n",
		 core);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(core);
}

/*
 * --root names a table by PA; one the root register cannot hold is refused with the
 * register's own reason.  A root above MAXPHYADDR is not a misaligned one (SDM vol. 3
 * 4.5: CR3 bits M-1:12 hold the address, bits 62:M are reserved), nor is one above the
 * 56-bit PAs a satp PPN reaches.
 */
Test(cli_dumps, root_beyond_the_register_names_the_reason)
{
	static const uint8_t zeros[0x2000];
	char *img = write_temp_bytes(zeros, sizeof(zeros));
	char *cfg = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", img, "--root",
				"0x400000001000", "0x0", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "mmusim: root 0x400000001000 is not a table address cr3 can hold: "
				"CR3 0x400000001000 sets bits at or above MAXPHYADDR (46)\n");
	run_result_free(&r);

	/* Bit 63 of CR3 is no address bit (MOV to CR3's no-flush hint). */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", img, "--root",
				"0x8000000000001000", "0x0", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: root 0x8000000000001000 is not a table address cr3 can hold "
				"(it would point at 0x1000): bits 0x8000000000000000 are beyond the "
				"addresses it holds\n");
	run_result_free(&r);

	/* satp's PPN is 44 bits: PAs below 2^56. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", img, "--image-base",
				"0x80000000", "--root", "0x100000080001000", "0x0", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: root 0x100000080001000 is not a table address satp can hold "
				"(it would point at 0x80001000): bits 0x100000000000000 are beyond the "
				"addresses it holds\n");
	run_result_free(&r);

	/* A misaligned root keeps its reason. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", img, "--root", "0x1008",
				"0x0", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: root 0x1008 is not a table address cr3 can hold (it would point "
				"at 0x1000): a root table is aligned, and the bits below are not address "
				"bits\n");
	run_result_free(&r);
	remove_temp_file(img);
	remove_temp_file(cfg);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * show over an image: a pointer the walk refuses (SDM vol. 3 4.5.4: an address bit at or
 * above MAXPHYADDR in a PDE is a reserved-bit #PF at that PDE) names that fault; the
 * hardware never reads the table it seems to point at, so "outside physical memory" is
 * kept for a pointer the walk does follow out of the image (a bus error one level down).
 */
Test(cli_dumps, show_names_a_pointer_the_walk_refuses)
{
	static uint8_t mem[0x5000];
	char *img, *cfg = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");
	struct run_result r;

	memset(mem, 0, sizeof(mem));
	put64(mem + 0x1000, 0x2007);                      /* PML4E[0] -> PDPT 0x2000 */
	put64(mem + 0x2000, 0x3007);                      /* PDPTE[0] -> PD 0x3000 */
	put64(mem + 0x3000, (1ull << 50) | 0x4007);       /* PDE[0]: bit 50 >= MAXPHYADDR */
	put64(mem + 0x3008, 0x7f0000007ull);              /* PDE[1] -> PT outside the image */
	img = write_temp_bytes(mem, sizeof(mem));
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--image", img, "--root", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out,
			 "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
			 "L4[0] 0x0000000000002007 P RW US addr=0x2000 -> L3 table 0x2000, va 0x0..0x7fffffffff\n"
			 "  L3[0] 0x0000000000003007 P RW US addr=0x3000 -> L2 table 0x3000, va 0x0..0x3fffffff\n"
			 "    L2[0] 0x0004000000004007 P RW US addr=0x4000000004000 -> L1 table 0x4000000004000, "
			 "va 0x0..0x1fffff (not followed: the walk faults reserved-bit at level 2)\n"
			 "    L2[1] 0x00000007f0000007 P RW US addr=0x7f0000000 -> L1 table 0x7f0000000, "
			 "va 0x200000..0x3fffff (outside physical memory)\n");
	run_result_free(&r);
	remove_temp_file(img);
	remove_temp_file(cfg);
}

/*
 * A process core (gcore, a crashed program's core) holds virtual memory: every PT_LOAD
 * has p_paddr 0.  It is no physical-memory dump, and the error says so rather than
 * only "segments 1 and 2 overlap".
 */
Test(cli_dumps, process_core_is_named_as_such)
{
	static uint8_t core[0x3000];
	uint8_t *ph = core + sizeof(Elf64_Ehdr);
	char *path, want[512];
	struct run_result r;

	memset(core, 0, sizeof(core));
	memcpy(core, ELFMAG, SELFMAG);
	core[EI_CLASS] = ELFCLASS64;
	core[EI_DATA] = ELFDATA2LSB;
	core[EI_VERSION] = EV_CURRENT;
	put16(core + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	put16(core + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put64(core + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put16(core + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(core + offsetof(Elf64_Ehdr, e_phnum), 2);
	for (unsigned i = 0; i < 2; i++, ph += sizeof(Elf64_Phdr)) {
		put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
		put64(ph + offsetof(Elf64_Phdr, p_offset), 0x1000 * (i + 1));
		put64(ph + offsetof(Elf64_Phdr, p_vaddr), 0x555555554000ull + 0x1000 * i);
		put64(ph + offsetof(Elf64_Phdr, p_filesz), 0x1000);
		put64(ph + offsetof(Elf64_Phdr, p_memsz), 0x1000);
	}
	path = write_temp_bytes(core, sizeof(core));
	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--root", "0x1000", "0x0", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: %s: segments 0 and 1 overlap: both start at physical address 0, as in a process "
		 "core (its memory by virtual address in p_vaddr), which is not a physical-memory dump\n",
		 path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/* Runs translate over a file of `len` bytes starting with `head` and expects exit 2 and err. */
static void expect_refused_format(const void *head, size_t head_len, const char *what)
{
	static uint8_t file[0x3000];
	char *path, want[1024];
	struct run_result r;

	memset(file, 0, sizeof(file));
	memcpy(file, head, head_len);
	path = write_temp_bytes(file, sizeof(file));
	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--root", "0x1000", "0x0", NULL), 0);
	cr_expect_eq(r.status, 2, "%s: status %d, out %s", what, r.status, r.out);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want), "mmusim: %s: %s\n", path, what);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * A dump in a format whose pages are compressed or indexed (QEMU's dump-guest-memory
 * -z/-l/-s writes makedumpfile's flattened kdump format, -w a Windows crash dump) is
 * not physical memory byte for byte: read as a raw image it gave wrong answers with
 * exit status 0.  It is refused, and named.
 */
Test(cli_dumps, compressed_and_foreign_dump_formats_are_refused)
{
	static const uint8_t gzip[] = { 0x1f, 0x8b, 0x08 };
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const uint8_t lz4[] = { 0x04, 0x22, 0x4d, 0x18 };

	expect_refused_format("makedumpfile\0\0\0\0", 16,
			      "a makedumpfile flattened kdump (QEMU dump-guest-memory -z, -l or -s), "
			      "not physical memory as it is: mmusim reads ELF cores (dump-guest-memory "
			      "without a format option) and raw memory files");
	expect_refused_format("KDUMP   ", 8,
			      "a kdump-compressed dump (makedumpfile; QEMU dump-guest-memory -z, -l or -s), "
			      "not physical memory as it is: mmusim reads ELF cores (dump-guest-memory "
			      "without a format option) and raw memory files");
	expect_refused_format("DISKDUMP", 8,
			      "a diskdump dump, not physical memory as it is: mmusim reads ELF cores "
			      "(dump-guest-memory without a format option) and raw memory files");
	expect_refused_format("PAGEDU64", 8,
			      "a Windows crash dump (QEMU dump-guest-memory -w), not physical memory as it "
			      "is: mmusim reads ELF cores (dump-guest-memory without a format option) and "
			      "raw memory files");
	expect_refused_format(gzip, sizeof(gzip),
			      "a gzip-compressed file: decompress it first (an image is mapped, not read "
			      "through a decompressor)");
	expect_refused_format(xz, sizeof(xz),
			      "an xz-compressed file: decompress it first (an image is mapped, not read "
			      "through a decompressor)");
	expect_refused_format(zstd, sizeof(zstd),
			      "a zstd-compressed file: decompress it first (an image is mapped, not read "
			      "through a decompressor)");
	expect_refused_format(lz4, sizeof(lz4),
			      "an lz4-compressed file: decompress it first (an image is mapped, not read "
			      "through a decompressor)");
	expect_refused_format("BZh91AY&SY", 10,
			      "a bzip2-compressed file: decompress it first (an image is mapped, not read "
			      "through a decompressor)");
}

/*
 * An x86-64 core as QEMU's dump-guest-memory writes it: a PT_NOTE holding a "QEMU" note
 * (type 0, QEMUCPUState version 1, 440 bytes: version, size, 18 GPRs and RIP/RFLAGS,
 * 10 segment descriptors of 24 bytes, then cr[0..4] at offset 392) per CPU, then the
 * RAM.  cr0, cr3 and cr4 are the arguments; memory: PML4 0x1000 (its entry 0 an argument,
 * 0x2007 below), PDPT 0x2000, PD 0x3000, PT 0x4000 whose entry 1 maps VA 0x1000 to PA
 * 0x7000 (P RW US).
 */
/* The core write_qemu_x86_core_full describes, with one note (name, desc of descsz <= 0xe00 bytes). */
static char *write_x86_core_with_note(uint16_t machine, const char *name, const void *desc, uint32_t descsz,
				      uint64_t first_entry)
{
	static uint8_t core[0x6000];
	uint8_t *ph = core + sizeof(Elf64_Ehdr), *note = core + 0x100;
	uint8_t *mem = core + 0x1000;
	uint32_t namesz = (uint32_t)strlen(name) + 1, name_room = (namesz + 3) & ~3u;

	cr_assert_leq(12 + name_room + descsz, 0xf00);
	memset(core, 0, sizeof(core));
	memcpy(core, ELFMAG, SELFMAG);
	core[EI_CLASS] = ELFCLASS64;
	core[EI_DATA] = ELFDATA2LSB;
	core[EI_VERSION] = EV_CURRENT;
	put16(core + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	put16(core + offsetof(Elf64_Ehdr, e_machine), machine);
	put64(core + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put16(core + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(core + offsetof(Elf64_Ehdr, e_phnum), 2);

	put32(note, namesz);
	put32(note + 4, descsz);
	put32(note + 8, 0);
	memcpy(note + 12, name, namesz);
	memcpy(note + 12 + name_room, desc, descsz);
	put32(ph + offsetof(Elf64_Phdr, p_type), PT_NOTE);
	put64(ph + offsetof(Elf64_Phdr, p_offset), 0x100);
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 12 + name_room + ((descsz + 3) & ~3u));
	put64(ph + offsetof(Elf64_Phdr, p_memsz), 12 + name_room + ((descsz + 3) & ~3u));
	ph += sizeof(Elf64_Phdr);
	put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
	put64(ph + offsetof(Elf64_Phdr, p_offset), 0x1000);
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 0x5000);
	put64(ph + offsetof(Elf64_Phdr, p_memsz), 0x5000);

	put64(mem + 0x1000, first_entry);
	put64(mem + 0x2000, 0x3007);
	put64(mem + 0x3000, 0x4007);
	put64(mem + 0x4000 + 8, 0x7007);
	return write_temp_bytes(core, sizeof(core));
}

static char *write_qemu_x86_core_full(uint16_t machine, uint64_t cr0, uint64_t cr3, uint64_t cr4,
				      uint64_t first_entry)
{
	uint8_t desc[440];

	memset(desc, 0, sizeof(desc));
	put32(desc, 1);
	put32(desc + 4, 440);
	put64(desc + 392, cr0);
	put64(desc + 392 + 3 * 8, cr3);
	put64(desc + 392 + 4 * 8, cr4);
	return write_x86_core_with_note(machine, "QEMU", desc, sizeof(desc), first_entry);
}

static char *write_qemu_x86_core_cr4(uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
	return write_qemu_x86_core_full(EM_X86_64, cr0, cr3, cr4, 0x2007);
}

static char *write_qemu_x86_core(uint64_t cr0, uint64_t cr3)
{
	return write_qemu_x86_core_cr4(cr0, cr3, 0x20 /* CR4.PAE */);
}

/*
 * QEMU records each CPU's control registers in its x86 cores: "translate this VA" needs
 * no --cr3 (the first CPU's CR3 chooses the table, its PWT/PCD/PCID bits not address
 * bits, SDM vol. 3 4.5), as over mmusim's own dumps.  A CPU with paging off
 * (CR0.PG = 0) has no table to offer.
 */
Test(cli_dumps, qemu_x86_core_gives_its_cr3)
{
	char *core = write_qemu_x86_core(0x80000011, 0x1018), want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 r user: pa 0x7234 (4K page, level 1) perms rwxu-\n");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);

	/* --cr3 still chooses another table. */
	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "--cr3", "0x2000", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 r user: fault not-present at level 2, #PF error code 0x4 (U): "
				"the PDE is not present (P/V bit clear)\n");
	run_result_free(&r);
	remove_temp_file(core);

	core = write_qemu_x86_core(0x11, 0x1000);
	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want), "mmusim: %s: no root recorded in the image: give --root or --cr3\n", core);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(core);
}

/*
 * A Linux kdump vmcore (/proc/vmcore, makedumpfile -E) lists memory by mapping:
 * p_vaddr the kernel's virtual address, p_paddr the physical one, and the kernel
 * text segment (0xffffffff81000000) holds physical memory a direct-map segment
 * (0xffff888000000000 + PA) also holds.  Those aliases are the same bytes, not a
 * malformed file.  Here: RAM PA 0..0x6000 (direct map); kernel text PA 0x5000..0x7000,
 * overlapping RAM's last page and reaching one page past it; PML4 0x1000, PDPT 0x2000,
 * PD 0x3000, PT 0x6000 (only in the text segment) whose entry 1 maps VA 0x1000 to PA
 * 0x9000.
 */
Test(cli_dumps, vmcore_aliases_are_one_memory)
{
	static uint8_t core[0x9000];
	uint8_t *ph = core + sizeof(Elf64_Ehdr), *ram = core + 0x1000, *text = core + 0x7000;
	char *path;
	struct run_result r;

	memset(core, 0, sizeof(core));
	memcpy(core, ELFMAG, SELFMAG);
	core[EI_CLASS] = ELFCLASS64;
	core[EI_DATA] = ELFDATA2LSB;
	core[EI_VERSION] = EV_CURRENT;
	put16(core + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	put16(core + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put64(core + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put16(core + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(core + offsetof(Elf64_Ehdr, e_phnum), 2);
	/* The kernel text first, as Linux lists it. */
	put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
	put64(ph + offsetof(Elf64_Phdr, p_offset), 0x7000);
	put64(ph + offsetof(Elf64_Phdr, p_vaddr), 0xffffffff81000000ull);
	put64(ph + offsetof(Elf64_Phdr, p_paddr), 0x5000);
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 0x2000);
	put64(ph + offsetof(Elf64_Phdr, p_memsz), 0x2000);
	ph += sizeof(Elf64_Phdr);
	put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
	put64(ph + offsetof(Elf64_Phdr, p_offset), 0x1000);
	put64(ph + offsetof(Elf64_Phdr, p_vaddr), 0xffff888000000000ull);
	put64(ph + offsetof(Elf64_Phdr, p_paddr), 0);
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 0x6000);
	put64(ph + offsetof(Elf64_Phdr, p_memsz), 0x6000);

	put64(ram + 0x1000, 0x2007);
	put64(ram + 0x2000, 0x3007);
	put64(ram + 0x3000, 0x6007);
	put64(text + 0x1000 + 8, 0x9007);
	path = write_temp_bytes(core, sizeof(core));

	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--root", "0x1000", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 r user: pa 0x9234 (4K page, level 1) perms rwxu-\n");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * The core's CR4 says how its CPU walked: LA57 (bit 12) five levels, which a
 * 4-level config would misread (SDM vol. 3 4.5: CR4.LA57 chooses 4- or 5-level
 * paging); SMEP (bit 20) refuses a supervisor fetch from a user page (4.6.1).
 */
Test(cli_dumps, qemu_x86_core_cr4_says_how_it_walked)
{
	char *core = write_qemu_x86_core_cr4(0x80000011, 0x1000, 0x1020);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "mmusim: CR4 0x1020: LA57 = 1, 5-level paging, but the config walks 4 levels "
				"(use x86_64_la57)\n");
	run_result_free(&r);

	/* With the 5-level preset the same table is a PML5: 0x1234 is not mapped at level 2. */
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_la57", "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 r user: fault not-present at level 2, #PF error code 0x4 (U): "
				"the PDE is not present (P/V bit clear)\n");
	run_result_free(&r);
	remove_temp_file(core);

	core = write_qemu_x86_core_cr4(0x80000011, 0x1000, 0x20);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_la57", "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: CR4 0x20: LA57 = 0, 4-level paging, but the config walks 5 levels "
				"(use x86_64)\n");
	run_result_free(&r);

	/* The config leaves SMEP off; the core's CPU had it on. */
	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "--supervisor", "--access", "x", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 x supervisor: pa 0x7234 (4K page, level 1) perms rwxu-\n");
	run_result_free(&r);
	remove_temp_file(core);
	core = write_qemu_x86_core_cr4(0x80000011, 0x1000, 0x100020);
	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "--supervisor", "--access", "x", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strncmp(r.out, "0x1234 x supervisor: fault permission at level 1", 48) == 0, "got %s", r.out);
	run_result_free(&r);
	remove_temp_file(core);
}

/*
 * QEMU's dump-guest-memory -p (paging) lists memory by virtual address: one PT_LOAD per
 * mapping, p_vaddr the VA, a PA mapped twice listed twice (here PA 0, under the direct
 * map and under the top of the address space, each with a zero tail QEMU left
 * unwritten), and memory no VA maps, page tables included, not at all.  It is refused
 * as that, not called a process core.
 */
Test(cli_dumps, qemu_paging_dump_is_named_as_such)
{
	static uint8_t core[0x3000];
	static const uint64_t va[3] = { 0xffff888000000000ull, 0xffffff8000000000ull, 0x400000 };
	static const uint64_t pa[3] = { 0, 0, 0x120000000ull };
	uint8_t *ph = core + sizeof(Elf64_Ehdr);
	char *path, want[1024];
	struct run_result r;

	memset(core, 0, sizeof(core));
	memcpy(core, ELFMAG, SELFMAG);
	core[EI_CLASS] = ELFCLASS64;
	core[EI_DATA] = ELFDATA2LSB;
	core[EI_VERSION] = EV_CURRENT;
	put16(core + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	put16(core + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put64(core + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put16(core + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(core + offsetof(Elf64_Ehdr, e_phnum), 3);
	for (unsigned i = 0; i < 3; i++, ph += sizeof(Elf64_Phdr)) {
		put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
		put64(ph + offsetof(Elf64_Phdr, p_offset), i < 2 ? 0x1000 : 0x2000);
		put64(ph + offsetof(Elf64_Phdr, p_vaddr), va[i]);
		put64(ph + offsetof(Elf64_Phdr, p_paddr), pa[i]);
		put64(ph + offsetof(Elf64_Phdr, p_filesz), 0x1000);
		put64(ph + offsetof(Elf64_Phdr, p_memsz), i < 2 ? 0x40000000 : 0x1000);
	}
	path = write_temp_bytes(core, sizeof(core));
	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--root", "0x1000", "0x0", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: %s: segments 0 and 1 overlap: both hold physical address 0x0, listed by virtual "
		 "address (0xffff888000000000, 0xffffff8000000000), as QEMU dump-guest-memory -p writes "
		 "memory once per mapping, leaving out what no VA maps (page tables too): write the dump "
		 "without -p\n",
		 path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * An ELF core names its machine (e_machine); page tables of one architecture walked
 * with another's config give answers that mean nothing, exit status 0.  A core of
 * another machine is refused; EM_NONE (mmusim's toy dumps, tools that leave it 0) is
 * any machine's.
 */
Test(cli_dumps, core_of_another_architecture_is_refused)
{
	char *core = write_qemu_x86_core(0x80000011, 0x1000), want[512];
	char *rv = write_sv32_core();
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", core, "--root", "0x1000",
				"0x1234", NULL),
		     0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: %s: an x86-64 core (e_machine 62), but config sv39 walks riscv64 page tables "
		 "(e_machine 243)\n",
		 core);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "translate", "--image", rv, "--root", "0x80001000", "0x401234", NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want),
		 "mmusim: %s: a RISC-V core (e_machine 243), but config x86_64 walks x86_64 page tables "
		 "(e_machine 62)\n",
		 rv);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/* The machine's own config reads it. */
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64", "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	run_result_free(&r);
	remove_temp_file(core);
	remove_temp_file(rv);
}

/*
 * QEMU writes EM_386 for an x86 guest outside long mode, with the same CPU-state note.
 * Read as 32-bit paging (x86_32): PD 0x1000 whose PDE 0 is 0x2007 (-> PT 0x2000, whose
 * PTE 0 is 0x3007: VA 0x234 -> PA 0x3234) and PDE 1 0x400087 (PS: a 4 MiB page at
 * 0x400000 with CR4.PSE = 1, SDM vol. 3 4.3; PS is ignored with PSE = 0, the entry then
 * points at a page table at 0x400000, outside the core).  CR4.PAE = 1 is PAE paging, 8-byte
 * entries mmusim does not model: refused rather than walked as 32-bit paging.
 */
Test(cli_dumps, qemu_i386_core_cr4)
{
	const uint64_t pd = 0x400087ull << 32 | 0x2007;
	char *core = write_qemu_x86_core_full(EM_386, 0x80010011, 0x1000, 0x10, pd);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--image", core, "0x234", "0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x234 r user: pa 0x3234 (4K page, level 1) perms rwxu-\n"
				"0x400010 r user: pa 0x400010 (4M page, level 2) perms rwxu-\n");
	run_result_free(&r);
	remove_temp_file(core);

	core = write_qemu_x86_core_full(EM_386, 0x80010011, 0x1000, 0, pd);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--image", core, "0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strncmp(r.out, "0x400010 r user: fault bus-error at level 1", 43) == 0, "got %s", r.out);
	run_result_free(&r);
	remove_temp_file(core);

	core = write_qemu_x86_core_full(EM_386, 0x80010011, 0x1000, 0x30, pd);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--image", core, "0x234", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "mmusim: CR4 0x30: PAE = 1, PAE paging (8-byte entries, 3 levels), which "
				"mmusim does not model: x86_32 is 32-bit paging (CR4.PAE = 0)\n");
	run_result_free(&r);
	remove_temp_file(core);
}

/*
 * A Linux kdump vmcore records where the kernel's page table is in its VMCOREINFO note
 * (arch/x86/kernel/crash_core_64.c: SYMBOL(init_top_pgt) its VA in hex, NUMBER(phys_base)
 * in decimal, NUMBER(pgtable_l5_enabled)); its PA is VA - __START_KERNEL_map
 * (0xffffffff80000000) + phys_base, as __pa_symbol computes it.  Here 0xffffffff80000000
 * + 0x1000 with phys_base 0, and 0xffffffff81000000 with phys_base -16773120 (0x1000 -
 * 0x1000000): both PML4 0x1000.  Older kernels name it init_level4_pgt.
 */
Test(cli_dumps, vmcore_gives_the_kernel_page_table)
{
	static const char *infos[] = {
		"OSRELEASE=6.1.0\nPAGESIZE=4096\nNUMBER(phys_base)=0\nSYMBOL(init_top_pgt)=ffffffff80001000\n"
		"NUMBER(pgtable_l5_enabled)=0\n",
		"SYMBOL(init_level4_pgt)=ffffffff81000000\nNUMBER(phys_base)=-16773120\n",
	};
	struct run_result r;
	char *core, want[512];

	for (unsigned i = 0; i < 2; i++) {
		core = write_x86_core_with_note(EM_X86_64, "VMCOREINFO", infos[i], (uint32_t)strlen(infos[i]), 0x2007);
		cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "0x1234", NULL), 0);
		cr_expect_eq(r.status, 0, "%u: stderr: %s", i, r.err);
		cr_expect_str_eq(r.out, "0x1234 r user: pa 0x7234 (4K page, level 1) perms rwxu-\n", "%u", i);
		run_result_free(&r);
		remove_temp_file(core);
	}

	/* A 5-level kernel under a 4-level config is refused, as a QEMU core's CR4.LA57 is. */
	core = write_x86_core_with_note(EM_X86_64, "VMCOREINFO",
					"NUMBER(phys_base)=0\nSYMBOL(init_top_pgt)=ffffffff80001000\n"
					"NUMBER(pgtable_l5_enabled)=1\n", 87, 0x2007);
	cr_assert_eq(run_mmusim(&r, "translate", "--image", core, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: the kernel of this vmcore walks 5 levels "
		 "(NUMBER(pgtable_l5_enabled)=1), but the config walks 4 (use x86_64_la57)\n", core);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(core);
}

/*
 * The root register's ASID is part of what the user gave (satp.ASID, CR3's
 * PCID, a dump's recorded register): the views show the register as given,
 * not rebuilt with ASID 0, and the image's one address space is that ASID.
 */
Test(cli_dumps, the_root_registers_asid_is_kept)
{
	char *setup = write_temp_file("asid 3\nmap 0x40403000 0x85000000 0x3000 rwu\n", ".trace");
	char *elf = write_temp_file("", ".elf"), *trace = write_temp_file("r 0x40403abc\nasid 3\nasid 0\n", ".trace");
	char want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "dump", "--elf", elf, "--setup", setup, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "satp 0x8000300000080002") != NULL, "%s", r.out);
	run_result_free(&r);

	/* Recorded: ASID 3, as the dump wrote it. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "--image", elf, "0x40403abc", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nwalk from root 0x80002000 (satp 0x8000300000080002):\n") != NULL, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "show", "--image", elf, NULL), 0);
	cr_expect(strncmp(r.out, "root 0x80002000 (satp 0x8000300000080002): ", 43) == 0, "%s", r.out);
	run_result_free(&r);

	/* Given: ASID 5 in --satp; the same table. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "--image", elf, "--satp", "0x8000500000080002",
				"0x40403abc", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nwalk from root 0x80002000 (satp 0x8000500000080002):\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "PA 0x85000abc") != NULL, "%s", r.out);
	run_result_free(&r);

	/* The image is that one address space: switching to it is nothing, to another an error. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "replay", "--image", elf, trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s:3: an image holds one address space (ASID 3, its root register's): "
		 "cannot create ASID 0\n", trace);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/* x86-64: CR3's bits 11:0 (the PCID) as given. */
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64", "dump", "--elf", elf, "--map",
				"0x40403000 0x85000000 0x3000 rwu", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64", "explain", "--image", elf, "--cr3", "0x1018", "0x40403abc",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nwalk from root 0x1000 (cr3 0x1018):\n") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
	remove_temp_file(elf);
	remove_temp_file(trace);
}

/*
 * x86_32 CR3 (SDM vol. 3 table 4-3): bits 31:12 the page directory, PWT (3)
 * and PCD (4) the memory type of its reads, the other low bits ignored; no
 * PCID.  The register is shown as it was loaded, given (--cr3) or recorded
 * in a QEMU core, as x86_64's is with its low bits: it read "cr3 0x1000".
 */
Test(cli_dumps, x86_32_cr3_keeps_pwt_pcd)
{
	char *core = write_qemu_x86_core_full(EM_386, 0x80000011, 0x1018, 0x10 /* PSE, no PAE */, 0x2007);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "show", "--image", core, "--depth", "1", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strncmp(r.out, "root 0x1000 (cr3 0x1018): x86_32, 2 levels of 1024 4-byte entries\n", 66) == 0,
		  "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "explain", "--image", core, "--cr3", "0x1010", "0x1234", NULL),
		     0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "walk from root 0x1000 (cr3 0x1010):\n"), "%s", r.out);
	run_result_free(&r);
	/* A root given as an address has no flags. */
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "show", "--image", core, "--root", "0x1000", "--depth", "1",
				NULL), 0);
	cr_expect(strncmp(r.out, "root 0x1000 (cr3 0x1000): ", 26) == 0, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(core);
}
