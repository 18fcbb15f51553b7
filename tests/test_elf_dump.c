/*
 * elf_dump: the ELF64 image of physical memory, parsed back by hand with
 * <elf.h> -- header fields, one PT_LOAD per run of adjacent frames with
 * frame-aligned offsets, the bytes behind each segment, the root notes --
 * plus readelf's opinion of the file and the write errors.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf_dump.h"
#include "sim/physmem.h"
#include "tests/support.h"

#define BASE 0x80000000ull
#define FRAME 4096ull

/* The file read back whole, with pointers to its headers. */
struct dump {
	uint8_t *buf;
	size_t len;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
};

static void dump_load(struct dump *d, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	cr_assert_geq(len, (long)sizeof(Elf64_Ehdr));
	rewind(f);
	d->len = (size_t)len;
	d->buf = malloc(d->len);
	cr_assert_eq(fread(d->buf, 1, d->len, f), d->len);
	fclose(f);
	d->eh = (const Elf64_Ehdr *)d->buf;
	cr_assert_eq(d->eh->e_phoff, sizeof(Elf64_Ehdr));
	cr_assert_eq(d->eh->e_phentsize, sizeof(Elf64_Phdr));
	cr_assert_leq(d->eh->e_phoff + (uint64_t)d->eh->e_phnum * sizeof(Elf64_Phdr), d->len);
	d->ph = (const Elf64_Phdr *)(d->buf + d->eh->e_phoff);
}

static void dump_free(struct dump *d)
{
	free(d->buf);
}

static void expect_header(const struct dump *d, uint16_t machine)
{
	const Elf64_Ehdr *eh = d->eh;

	cr_expect_eq(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	cr_expect_eq(eh->e_ident[EI_CLASS], ELFCLASS64);
	cr_expect_eq(eh->e_ident[EI_DATA], ELFDATA2LSB);
	cr_expect_eq(eh->e_ident[EI_VERSION], EV_CURRENT);
	cr_expect_eq(eh->e_ident[EI_OSABI], ELFOSABI_SYSV);
	cr_expect_eq(eh->e_type, ET_CORE);
	cr_expect_eq(eh->e_machine, machine);
	cr_expect_eq(eh->e_version, EV_CURRENT);
	cr_expect_eq(eh->e_entry, 0);
	cr_expect_eq(eh->e_ehsize, sizeof(Elf64_Ehdr));
	cr_expect_eq(eh->e_shnum, 0);
	cr_assert_geq(eh->e_phnum, 1);
	cr_expect_eq(d->ph[0].p_type, PT_NOTE, "the note comes first");
}

/* Every PT_LOAD: frame-aligned, inside the file, ascending, neither touching nor overlapping. */
static size_t expect_loads(const struct dump *d, uint64_t frame)
{
	size_t n = 0;
	uint64_t prev_end = 0;

	for (size_t i = 1; i < d->eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &d->ph[i];

		cr_assert_eq(ph->p_type, PT_LOAD, "phdr %zu", i);
		cr_expect_eq(ph->p_paddr, ph->p_vaddr);
		cr_expect_eq(ph->p_filesz, ph->p_memsz);
		cr_expect_eq(ph->p_flags, PF_R | PF_W);
		cr_expect_eq(ph->p_align, frame);
		cr_expect_eq(ph->p_paddr % frame, 0);
		cr_expect_eq(ph->p_offset % frame, 0);
		cr_expect_eq(ph->p_filesz % frame, 0);
		cr_expect_neq(ph->p_filesz, 0);
		cr_assert_leq(ph->p_offset + ph->p_filesz, d->len);
		if (n)
			cr_expect_gt(ph->p_paddr, prev_end, "runs are merged and sorted");
		prev_end = ph->p_paddr + ph->p_filesz;
		n++;
	}
	return n;
}

/* The segment bytes at pa (which must lie in one segment), or NULL. */
static const uint8_t *dump_at(const struct dump *d, uint64_t pa)
{
	for (size_t i = 1; i < d->eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &d->ph[i];
		if (pa >= ph->p_paddr && pa - ph->p_paddr < ph->p_filesz)
			return d->buf + ph->p_offset + (pa - ph->p_paddr);
	}
	return NULL;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Walks the PT_NOTE by hand and checks it holds exactly `roots`. */
static void expect_notes(const struct dump *d, const struct elf_dump_root *roots, size_t n)
{
	const Elf64_Phdr *note = &d->ph[0];
	const uint8_t *p = d->buf + note->p_offset;
	size_t off = 0;

	cr_expect_eq(note->p_align, 4);
	cr_assert_leq(note->p_offset + note->p_filesz, d->len);
	for (size_t i = 0; i < n; i++) {
		char name[17] = { 0 };

		cr_assert_leq(off + 12 + 8 + 32, note->p_filesz, "note %zu", i);
		cr_expect_eq(le32(p + off), 7, "namesz");
		cr_expect_eq(le32(p + off + 4), 32, "descsz");
		cr_expect_eq(le32(p + off + 8), 0x4d4d0001u, "type");
		cr_expect_eq(memcmp(p + off + 12, "MMUSIM\0\0", 8), 0);
		memcpy(name, p + off + 20, 16);
		cr_expect_str_eq(name, roots[i].name);
		for (size_t j = strlen(name); j < 16; j++)
			cr_expect_eq(p[off + 20 + j], 0, "name is NUL-padded");
		cr_expect_eq(le64(p + off + 36), roots[i].root);
		cr_expect_eq(le64(p + off + 44), roots[i].reg);
		off += 52;
	}
	cr_expect_eq(off, note->p_filesz);
}

struct machine_case {
	uint16_t e_machine;
	char root_name[16];
	uint64_t reg;          /* for a root at BASE + 0x1000 */
};

static const struct machine_case machine_cases[] = {
	{ EM_X86_64, "asid0", (BASE + 0x1000) | 5 },                           /* CR3 with PCID 5 */
	{ EM_RISCV, "kernel", 9ull << 60 | 1ull << 44 | (BASE + 0x1000) >> 12 }, /* Sv48, ASID 1 */
};

ParameterizedTestParameters(elf_dump, layout)
{
	return cr_make_param_array(struct machine_case, machine_cases,
				   sizeof(machine_cases) / sizeof(machine_cases[0]));
}

/* Two adjacent frames merge into one PT_LOAD, a far frame gets its own. */
ParameterizedTest(const struct machine_case *c, elf_dump, layout)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	const uint64_t pas[] = { BASE + 0x1000, BASE + 0x2000, BASE + 0x3000000 };
	struct elf_dump_root roots[2] = {
		{ .root = BASE + 0x1000, .reg = c->reg },
		{ "second", BASE + 0x3000000, 0x1234 },
	};
	struct mm_error err = { 0 };
	char *path = write_temp_file("", ".elf");
	struct dump d;

	memcpy(roots[0].name, c->root_name, sizeof(roots[0].name));
	cr_assert_not_null(pm);
	cr_assert_not_null(path);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(physmem_write(pm, pas[i], 8, 0x1111111111111111ull * (i + 1)), MM_OK);
		cr_assert_eq(physmem_write(pm, pas[i] + 0x808, 4, 0xabcd0000u + i), MM_OK);
		cr_assert_eq(physmem_write(pm, pas[i] + FRAME - 8, 8, 0xfedcba9876543210ull - i), MM_OK);
	}
	cr_assert_eq(elf_dump_write(path, pm, c->e_machine, roots, 2, NULL, 0, &err), MM_OK, "%s", err.msg);

	dump_load(&d, path);
	expect_header(&d, c->e_machine);
	cr_assert_eq(expect_loads(&d, FRAME), 2);
	cr_expect_eq(d.ph[1].p_paddr, BASE + 0x1000);
	cr_expect_eq(d.ph[1].p_filesz, 2 * FRAME);
	cr_expect_eq(d.ph[2].p_paddr, BASE + 0x3000000);
	cr_expect_eq(d.ph[2].p_filesz, FRAME);
	cr_expect_eq(d.ph[2].p_offset, d.ph[1].p_offset + 2 * FRAME, "segments back to back");
	cr_expect_eq(d.len, d.ph[2].p_offset + FRAME, "nothing after the last segment");
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *host = physmem_frame_peek(pm, pas[i]);
		const uint8_t *file = dump_at(&d, pas[i]);

		cr_assert_not_null(file);
		cr_expect_eq(le64(file), 0x1111111111111111ull * (i + 1));
		cr_expect_eq(le32(file + 0x808), 0xabcd0000u + i);
		cr_expect_eq(le64(file + FRAME - 8), 0xfedcba9876543210ull - i);
		cr_expect_eq(memcmp(file, host, FRAME), 0, "frame at 0x%llx", (unsigned long long)pas[i]);
	}
	expect_notes(&d, roots, 2);

	dump_free(&d);
	remove_temp_file(path);
	physmem_destroy(pm);
}

/* No backed frames: a valid file holding only the note. */
Test(elf_dump, empty_memory_has_only_the_note)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	const struct elf_dump_root root = { "asid0", BASE, BASE };
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	struct dump d;

	cr_assert_eq(elf_dump_write(path, pm, EM_X86_64, &root, 1, NULL, 0, &err), MM_OK, "%s", err.msg);
	dump_load(&d, path);
	expect_header(&d, EM_X86_64);
	cr_expect_eq(d.eh->e_phnum, 1);
	cr_expect_eq(d.ph[0].p_offset, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
	cr_expect_eq(d.len, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 52);
	expect_notes(&d, &root, 1);
	dump_free(&d);
	remove_temp_file(path);
	physmem_destroy(pm);
}

/* Bytes after a name's NUL are not copied; a name without NUL is refused before the file is made. */
Test(elf_dump, root_names_are_nul_padded)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	struct elf_dump_root roots[2] = { { .root = 1, .reg = 2 }, { .root = 3, .reg = 4 } };
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	struct dump d;
	const uint8_t *p;

	memcpy(roots[0].name, "0123456789abcde", 16);
	memcpy(roots[1].name, "ab\0garbage", 11);
	cr_assert_eq(physmem_write(pm, BASE, 8, 1), MM_OK);
	cr_assert_eq(elf_dump_write(path, pm, EM_RISCV, roots, 2, NULL, 0, &err), MM_OK, "%s", err.msg);
	dump_load(&d, path);
	p = d.buf + d.ph[0].p_offset;
	cr_expect_eq(memcmp(p + 20, "0123456789abcde", 16), 0);
	cr_expect_eq(memcmp(p + 52 + 20, "ab\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	cr_expect_eq(le64(p + 52 + 36), 3);
	dump_free(&d);
	remove_temp_file(path);

	memcpy(roots[1].name, "0123456789abcdef", 16);
	cr_expect_eq(elf_dump_write("/nonexistent/x.elf", pm, EM_RISCV, roots, 2, NULL, 0, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "/nonexistent/x.elf: root 1: name is not NUL-terminated");
	physmem_destroy(pm);
}

/*
 * 65540 separate frames cannot have a PT_LOAD each (e_phnum < 0xffff): the
 * smallest gaps are bridged with zeros, and every byte still reads as in
 * physical memory.
 */
Test(elf_dump, too_many_runs_bridge_the_smallest_gaps)
{
	const uint64_t frame = 64, nr = 65540;
	struct physmem *pm = physmem_create(0, 1 << 24, frame, NULL);
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	struct dump d;

	cr_assert_not_null(pm);
	/* Every other frame, and one wider gap that must stay a gap. */
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t pa = 2 * i * frame + (i >= 3 ? 4 * frame : 0);
		cr_assert_eq(physmem_write(pm, pa, 8, i + 1), MM_OK);
	}
	cr_assert_eq(elf_dump_write(path, pm, EM_X86_64, NULL, 0, NULL, 0, &err), MM_OK, "%s", err.msg);
	dump_load(&d, path);
	expect_header(&d, EM_X86_64);
	cr_expect_eq(d.eh->e_phnum, 0xfffe);
	cr_assert_eq(expect_loads(&d, frame), 0xfffd);
	/* 7 one-frame gaps bridged, the first ones: after frames 0, 1 and 3..7, not the wide one after 2. */
	cr_expect_eq(d.ph[1].p_paddr, 0);
	cr_expect_eq(d.ph[1].p_filesz, 5 * frame, "frames 0..2 and the gaps between them");
	cr_expect_eq(d.ph[2].p_paddr, 10 * frame);
	cr_expect_eq(d.ph[2].p_filesz, 11 * frame, "frames 3..8 and the 5 gaps between them");
	cr_expect_eq(d.ph[3].p_paddr, d.ph[2].p_paddr + 12 * frame);
	cr_expect_eq(d.ph[3].p_filesz, frame);
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t pa = 2 * i * frame + (i >= 3 ? 4 * frame : 0);
		const uint8_t *file = dump_at(&d, pa);

		cr_assert_not_null(file, "frame %llu", (unsigned long long)i);
		if (le64(file) != i + 1)
			cr_assert_fail("frame %llu reads %llu", (unsigned long long)i,
				       (unsigned long long)le64(file));
		if (i < 8 && i != 2) {
			const uint8_t *gap = dump_at(&d, pa + frame);
			cr_assert_not_null(gap);
			for (uint64_t j = 0; j < frame; j++)
				cr_assert_eq(gap[j], 0, "a bridged gap reads as zero");
		}
	}
	dump_free(&d);
	remove_temp_file(path);
	physmem_destroy(pm);
}

/* readelf (binutils), when installed, accepts the file and lists segments and notes. */
Test(elf_dump, readelf_accepts_the_file)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	const struct elf_dump_root root = { "asid0", BASE + 0x1000, BASE + 0x1000 };
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	char cmd[256], out[16384];
	size_t len;
	FILE *p;

	if (system("command -v readelf >/dev/null 2>&1") != 0) {
		remove_temp_file(path);
		physmem_destroy(pm);
		cr_skip("readelf is not installed");
	}
	cr_assert_eq(physmem_write(pm, BASE + 0x1000, 8, 1), MM_OK);
	cr_assert_eq(physmem_write(pm, BASE + 0x2000, 8, 2), MM_OK);
	cr_assert_eq(physmem_write(pm, BASE + 0x3000000, 8, 3), MM_OK);
	cr_assert_eq(elf_dump_write(path, pm, EM_X86_64, &root, 1, NULL, 0, &err), MM_OK, "%s", err.msg);

	snprintf(cmd, sizeof(cmd), "readelf -W -l -n '%s' 2>&1", path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	cr_assert_eq(pclose(p), 0, "readelf failed:\n%s", out);
	cr_expect_null(strstr(out, "Warning"), "%s", out);
	cr_expect_not_null(strstr(out, "CORE (Core file)"), "%s", out);
	cr_expect_not_null(strstr(out, "There are 3 program headers"), "%s", out);
	cr_expect_not_null(strstr(out, "NOTE"), "%s", out);
	cr_expect_not_null(strstr(out, "0x0000000080001000 0x0000000080001000 0x002000 0x002000 RW  0x1000"),
			   "%s", out);
	cr_expect_not_null(strstr(out, "0x0000000083000000 0x0000000083000000 0x001000 0x001000 RW  0x1000"),
			   "%s", out);
	cr_expect_not_null(strstr(out, "MMUSIM"), "%s", out);
	remove_temp_file(path);
	physmem_destroy(pm);
}

Test(elf_dump, unwritable_path)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	struct mm_error err = { 0 };

	cr_assert_eq(physmem_write(pm, BASE, 8, 1), MM_OK);
	cr_expect_eq(elf_dump_write("/nonexistent/x.elf", pm, EM_X86_64, NULL, 0, NULL, 0, &err), MM_EIO);
	cr_expect_eq(err.code, MM_EIO);
	cr_expect_str_eq(err.msg, "/nonexistent/x.elf: cannot create: No such file or directory");
	physmem_destroy(pm);
}

Test(elf_dump, full_device_is_a_write_error)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	const struct elf_dump_root root = { "asid0", BASE, BASE };
	struct mm_error err = { 0 };
	FILE *f = fopen("/dev/full", "wb");

	if (!f) {
		physmem_destroy(pm);
		cr_skip("no /dev/full");
	}
	fclose(f);
	for (uint64_t i = 0; i < 600; i += 2)   /* more than the 1 MiB write buffer */
		cr_assert_eq(physmem_write(pm, BASE + i * FRAME, 8, i + 1), MM_OK);
	cr_expect_eq(elf_dump_write("/dev/full", pm, EM_X86_64, &root, 1, NULL, 0, &err), MM_EIO);
	cr_expect_str_eq(err.msg, "/dev/full: write error: No space left on device");
	/* Only the headers: the error comes from the final flush. */
	physmem_destroy(pm);
	pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	cr_expect_eq(elf_dump_write("/dev/full", pm, EM_X86_64, &root, 1, NULL, 0, &err), MM_EIO);
	cr_expect_str_eq(err.msg, "/dev/full: write error: No space left on device");
	physmem_destroy(pm);
}

Test(elf_dump, other_machines_are_rejected)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	struct mm_error err = { 0 };

	cr_expect_eq(elf_dump_write("/nonexistent/x.elf", pm, EM_ARM, NULL, 0, NULL, 0, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg,
			 "/nonexistent/x.elf: e_machine 40 is not EM_X86_64, EM_RISCV, EM_AARCH64, EM_386 or EM_NONE");
	physmem_destroy(pm);
}

/* A dump over an older, larger one truncates it. */
Test(elf_dump, rewrite_truncates)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	struct dump d;

	cr_assert_eq(physmem_write(pm, BASE + 0x5000, 8, 1), MM_OK);
	cr_assert_eq(physmem_write(pm, BASE + 0x9000, 8, 1), MM_OK);
	cr_assert_eq(elf_dump_write(path, pm, EM_X86_64, NULL, 0, NULL, 0, &err), MM_OK, "%s", err.msg);
	physmem_destroy(pm);
	pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	cr_assert_eq(elf_dump_write(path, pm, EM_X86_64, NULL, 0, NULL, 0, &err), MM_OK, "%s", err.msg);
	dump_load(&d, path);
	cr_expect_eq(d.eh->e_phnum, 1);
	cr_expect_eq(d.len, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
	dump_free(&d);
	remove_temp_file(path);
	physmem_destroy(pm);
}

/*
 * AArch64 (e_machine 183): after the root notes, one 44-byte register note
 * each, type 0x4d4d0002, desc = name[16] + u64 value (elf_dump.h).
 */
Test(elf_dump, aarch64_register_notes)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	const struct elf_dump_root root = { "asid0", BASE + 0x1000, BASE + 0x1000 };
	const struct elf_dump_reg regs[] = {
		{ "ttbr0", BASE + 0x1000 }, { "ttbr1", BASE + 0x2000 }, { "tcr", 0x195b5103510ull },
		{ "mair", 0xbb4400ffull }, { "sctlr", 0x30d01805ull },
	};
	char *path = write_temp_file("", ".elf");
	struct mm_error err = { 0 };
	struct dump d;
	const uint8_t *p;

	cr_assert_eq(physmem_write(pm, BASE + 0x1000, 8, 3), MM_OK);
	cr_assert_eq(elf_dump_write(path, pm, EM_AARCH64, &root, 1, regs, 5, &err), MM_OK, "%s", err.msg);
	dump_load(&d, path);
	expect_header(&d, 183);
	cr_expect_eq(d.ph[0].p_filesz, 52 + 5 * 44);
	p = d.buf + d.ph[0].p_offset;
	cr_expect_eq(le32(p + 8), 0x4d4d0001u, "the root note first");
	cr_expect_eq(le64(p + 36), BASE + 0x1000);
	p += 52;
	for (size_t i = 0; i < 5; i++, p += 44) {
		char name[17] = { 0 };

		cr_expect_eq(le32(p), 7, "namesz");
		cr_expect_eq(le32(p + 4), 24, "descsz");
		cr_expect_eq(le32(p + 8), 0x4d4d0002u, "type");
		cr_expect_eq(memcmp(p + 12, "MMUSIM\0\0", 8), 0);
		memcpy(name, p + 20, 16);
		cr_expect_str_eq(name, regs[i].name);
		cr_expect_eq(le64(p + 36), regs[i].value, "%s", regs[i].name);
	}
	dump_free(&d);
	remove_temp_file(path);
	physmem_destroy(pm);
}

Test(elf_dump, register_names_need_a_nul)
{
	struct physmem *pm = physmem_create(BASE, 1 << 30, FRAME, NULL);
	struct elf_dump_reg reg = { .value = 1 };
	struct mm_error err = { 0 };

	memcpy(reg.name, "0123456789abcdef", 16);
	cr_expect_eq(elf_dump_write("/nonexistent/x.elf", pm, EM_AARCH64, NULL, 0, &reg, 1, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "/nonexistent/x.elf: register 0: name is not NUL-terminated");
	physmem_destroy(pm);
}
