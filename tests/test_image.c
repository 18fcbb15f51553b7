/*
 * image: ELF and raw physical-memory images, built byte by byte here.
 *
 * The base ELF image (0x4000 bytes) has seven program headers:
 *   0  PT_NOTE  at 0x200: a CORE note, two MMUSIM roots, one MMUSIM note of another type
 *   1  PT_LOAD  PA 0x200000  file 0x2000  filesz 0x1000
 *   2  PT_LOAD  PA 0x1000    file 0x1000  filesz 0x1000  memsz 0x2000 (zero tail)
 *   3  PT_LOAD  PA 0x900000  filesz 0 (skipped)
 *   4  PT_LOAD  PA 0x300000  file 0x3000  filesz 0x804   memsz 0x1000 (tail not 8-aligned)
 *   5  PT_LOAD  PA 0x400000  file 0x3900  filesz 0x104   (length not a multiple of 8)
 *   6  PT_LOAD  PA 0x400104  file 0x3a00  filesz 0xfc    (right after 5)
 * File bytes from 0x1000 on hold pattern(offset), so every read has a known answer.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/image.h"
#include "support.h"
#include "time_limit.h"

#define BASE_LEN 0x4000u
#define NOTES_OFF 0x200u
#define NR_PHDRS 7u

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off ^ (off >> 8) ^ 0x5a);
}

static uint64_t le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Offsets of header fields inside the base image, for mutations. */
#define EH(member) offsetof(Elf64_Ehdr, member)
#define PH(i, member) (sizeof(Elf64_Ehdr) + (i) * sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, member))

static void set_field(uint8_t *buf, size_t off, unsigned size, uint64_t v)
{
	put_le(buf + off, size, v);
}

#define SET_EH(buf, member, v) set_field(buf, EH(member), sizeof(((Elf64_Ehdr *)0)->member), v)
#define SET_PH(buf, i, member, v) \
	set_field(buf, PH(i, member), sizeof(((Elf64_Phdr *)0)->member), v)

static void put_ehdr(uint8_t *buf, unsigned phnum)
{
	memset(buf, 0, sizeof(Elf64_Ehdr));
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = ELFCLASS64;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	SET_EH(buf, e_type, ET_CORE);
	SET_EH(buf, e_machine, EM_X86_64);
	SET_EH(buf, e_version, EV_CURRENT);
	SET_EH(buf, e_phoff, sizeof(Elf64_Ehdr));
	SET_EH(buf, e_ehsize, sizeof(Elf64_Ehdr));
	SET_EH(buf, e_phentsize, sizeof(Elf64_Phdr));
	SET_EH(buf, e_phnum, phnum);
}

static void put_phdr(uint8_t *buf, unsigned i, uint32_t type, uint64_t paddr, uint64_t off,
		     uint64_t filesz, uint64_t memsz)
{
	SET_PH(buf, i, p_type, type);
	SET_PH(buf, i, p_flags, PF_R | PF_W);
	SET_PH(buf, i, p_offset, off);
	SET_PH(buf, i, p_vaddr, 0);
	SET_PH(buf, i, p_paddr, paddr);
	SET_PH(buf, i, p_filesz, filesz);
	SET_PH(buf, i, p_memsz, memsz);
	SET_PH(buf, i, p_align, type == PT_NOTE ? 4 : 0x1000);
}

/* Appends one note at *pos (4-byte padding); returns the offset of its header. */
static size_t put_note(uint8_t *buf, size_t *pos, const char *name, uint32_t type,
		       const void *desc, uint32_t descsz)
{
	size_t hdr = *pos, at = *pos, namesz = strlen(name) + 1;

	put_le(buf + at, 4, namesz);
	put_le(buf + at + 4, 4, descsz);
	put_le(buf + at + 8, 4, type);
	memcpy(buf + at + 12, name, namesz);
	at += 12 + ((namesz + 3) & ~(size_t)3);
	memcpy(buf + at, desc, descsz);
	at += (descsz + 3u) & ~3u;
	*pos = at;
	return hdr;
}

static void root_desc(uint8_t desc[32], const char *name, uint64_t root, uint64_t reg)
{
	memset(desc, 0, 32);
	memcpy(desc, name, strlen(name));
	put_le(desc + 16, 8, root);
	put_le(desc + 24, 8, reg);
}

/* Note header offsets in the base image. */
struct note_offsets {
	size_t core, mmusim_x86, mmusim_other, mmusim_sv39, end;
};

static struct note_offsets build_base(uint8_t buf[BASE_LEN])
{
	struct note_offsets no;
	uint8_t desc[32], prstatus[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t pos = NOTES_OFF;

	memset(buf, 0, BASE_LEN);
	for (size_t o = 0x1000; o < BASE_LEN; o++)
		buf[o] = pattern(o);
	put_ehdr(buf, NR_PHDRS);

	no.core = put_note(buf, &pos, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	root_desc(desc, "x86_64-4level", 0x5000, 0x5000);
	no.mmusim_x86 = put_note(buf, &pos, "MMUSIM", 0x4d4d0001u, desc, 32);
	root_desc(desc, "ignored", 1, 2);
	no.mmusim_other = put_note(buf, &pos, "MMUSIM", 2, desc, 32);
	root_desc(desc, "sv39", 0x80001000, 0x8000000000080001ull);
	no.mmusim_sv39 = put_note(buf, &pos, "MMUSIM", 0x4d4d0001u, desc, 32);
	no.end = pos;

	put_phdr(buf, 0, PT_NOTE, 0, NOTES_OFF, pos - NOTES_OFF, 0);
	put_phdr(buf, 1, PT_LOAD, 0x200000, 0x2000, 0x1000, 0x1000);
	put_phdr(buf, 2, PT_LOAD, 0x1000, 0x1000, 0x1000, 0x2000);
	put_phdr(buf, 3, PT_LOAD, 0x900000, 0, 0, 0x1000);
	put_phdr(buf, 4, PT_LOAD, 0x300000, 0x3000, 0x804, 0x1000);
	put_phdr(buf, 5, PT_LOAD, 0x400000, 0x3900, 0x104, 0x104);
	put_phdr(buf, 6, PT_LOAD, 0x400104, 0x3a00, 0xfc, 0xfc);
	return no;
}

/* Writes len bytes to a fresh temporary file; returns its malloc'd path. */
static char *write_bytes(const void *data, size_t len)
{
	char *path = malloc(64);
	int fd;

	cr_assert_not_null(path);
	snprintf(path, 64, "/tmp/mmusim-image-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void rewrite_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static struct image *open_ok(const char *path, enum image_kind kind, uint64_t raw_base)
{
	struct image *img = NULL;
	struct mm_error err = { 0 };
	int rc = image_open(path, kind, raw_base, &img, &err);

	cr_assert_eq(rc, MM_OK, "image_open: %s", err.msg);
	cr_assert_not_null(img);
	return img;
}

static uint64_t read_ok(const struct pt_mem *m, uint64_t pa, unsigned size)
{
	uint64_t v = 0xdeadbeef;
	int rc = pt_mem_read(m, pa, size, &v);

	cr_assert_eq(rc, MM_OK, "read %u bytes at 0x%" PRIx64 ": rc %d", size, pa, rc);
	return v;
}

static void expect_read_rc(const struct pt_mem *m, uint64_t pa, unsigned size, int want)
{
	uint64_t v = 0x1234;

	cr_expect_eq(pt_mem_read(m, pa, size, &v), want, "read %u bytes at 0x%" PRIx64, size, pa);
	cr_expect_eq(v, 0x1234, "a failed read leaves *val alone");
}

/* ---- reads ---- */

Test(image, segments_sorted_and_filesz0_skipped)
{
	static const uint64_t want[][2] = {
		{ 0x1000, 0x2000 }, { 0x200000, 0x1000 }, { 0x300000, 0x1000 },
		{ 0x400000, 0x104 }, { 0x400104, 0xfc },
	};
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_assert_eq(image_nr_segments(img), 5);
	for (size_t i = 0; i < 5; i++) {
		uint64_t pa, len;
		image_segment(img, i, &pa, &len);
		cr_expect_eq(pa, want[i][0], "segment %zu pa 0x%" PRIx64, i, pa);
		cr_expect_eq(len, want[i][1], "segment %zu len 0x%" PRIx64, i, len);
	}
	image_close(img);
	remove_temp_file(path);
}

Test(image, reads_at_segment_bounds)
{
	static const struct { uint64_t pa, file_off, filesz; } segs[] = {
		{ 0x1000, 0x1000, 0x1000 },
		{ 0x200000, 0x2000, 0x1000 },
		{ 0x300000, 0x3000, 0x800 },
		{ 0x400000, 0x3900, 0x100 },
		{ 0x400104, 0x3a00, 0xf8 },
	};
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;
	struct pt_mem m;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_AUTO, 0);
	m = image_pt_mem(img);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		for (unsigned size = 1; size <= 8; size *= 2) {
			/* First and last aligned access of every size (0x400104 is 4-aligned only). */
			uint64_t first = (segs[i].pa + size - 1) & ~(uint64_t)(size - 1);
			uint64_t last = (segs[i].pa + segs[i].filesz - size) & ~(uint64_t)(size - 1);
			uint64_t pas[] = { first, last };
			for (size_t k = 0; k < 2; k++) {
				uint64_t off = segs[i].file_off + (pas[k] - segs[i].pa);
				cr_expect_eq(read_ok(&m, pas[k], size), le(buf + off, size),
					     "seg %zu size %u pa 0x%" PRIx64, i, size, pas[k]);
			}
		}
	}
	/* Jumping between segments (the cache must follow). */
	cr_expect_eq(read_ok(&m, 0x1ff8, 8), le(buf + 0x1ff8, 8));
	cr_expect_eq(read_ok(&m, 0x200ff8, 8), le(buf + 0x2ff8, 8));
	cr_expect_eq(read_ok(&m, 0x1000, 8), le(buf + 0x1000, 8));
	cr_expect_eq(read_ok(&m, 0x400104, 4), le(buf + 0x3a00, 4));
	image_close(img);
	remove_temp_file(path);
}

Test(image, zero_fill_between_filesz_and_memsz)
{
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;
	struct pt_mem m;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0x2000, 8), 0, "first byte of the tail");
	cr_expect_eq(read_ok(&m, 0x2ff8, 8), 0, "last word of the tail");
	cr_expect_eq(read_ok(&m, 0x2fff, 1), 0);
	cr_expect_eq(read_ok(&m, 0x2ff8, 8), 0);
	/* filesz 0x804: the word at 0x300800 is 4 file bytes then 4 zero bytes. */
	cr_expect_eq(read_ok(&m, 0x300800, 8), le(buf + 0x3800, 4));
	cr_expect_eq(read_ok(&m, 0x300800, 4), le(buf + 0x3800, 4));
	cr_expect_eq(read_ok(&m, 0x300804, 4), 0);
	cr_expect_eq(read_ok(&m, 0x300ff8, 8), 0);
	image_close(img);
	remove_temp_file(path);
}

Test(image, bus_error_outside_and_straddling)
{
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;
	struct pt_mem m;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	m = image_pt_mem(img);
	expect_read_rc(&m, 0, 8, MM_EBUS);           /* below the first segment */
	expect_read_rc(&m, 0xff8, 8, MM_EBUS);
	expect_read_rc(&m, 0x3000, 8, MM_EBUS);      /* just past memsz */
	expect_read_rc(&m, 0x3000, 1, MM_EBUS);
	expect_read_rc(&m, 0x100000, 4, MM_EBUS);    /* between segments */
	expect_read_rc(&m, 0x201000, 8, MM_EBUS);
	expect_read_rc(&m, 0x900000, 8, MM_EBUS);    /* the filesz-0 PT_LOAD */
	expect_read_rc(&m, UINT64_MAX - 7, 8, MM_EBUS);
	/* 0x400000 is 0x104 long: an 8-byte read at 0x400100 straddles its end, even
	 * though the next segment starts right there. */
	expect_read_rc(&m, 0x400100, 8, MM_EBUS);
	cr_expect_eq(read_ok(&m, 0x400100, 4), le(buf + 0x3900 + 0x100, 4));
	cr_expect_eq(read_ok(&m, 0x4001f8, 8), le(buf + 0x3a00 + 0xf4, 8));
	expect_read_rc(&m, 0x400200, 1, MM_EBUS);     /* 0x400104 + 0xfc */
	cr_expect_eq(read_ok(&m, 0x4001fc, 4), le(buf + 0x3a00 + 0xf8, 4));
	/* Misaligned or odd sizes are not bus errors but bad arguments. */
	expect_read_rc(&m, 0x1004, 8, MM_EINVAL);
	expect_read_rc(&m, 0x1001, 2, MM_EINVAL);
	expect_read_rc(&m, 0x1000, 3, MM_EINVAL);
	expect_read_rc(&m, 0x1000, 16, MM_EINVAL);
	image_close(img);
	remove_temp_file(path);
}

/* A segment may end exactly at 2^64; the last word is readable. */
Test(image, segment_at_top_of_address_space)
{
	uint8_t buf[0x2000] = { 0 };
	char *path;
	struct image *img;
	struct pt_mem m;

	put_ehdr(buf, 1);
	put_phdr(buf, 0, PT_LOAD, 0xfffffffffffff000ull, 0x1000, 0x1000, 0x1000);
	put_le(buf + 0x1ff8, 8, 0x1122334455667788ull);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0xfffffffffffffff8ull, 8), 0x1122334455667788ull);
	expect_read_rc(&m, 0, 8, MM_EBUS);
	expect_read_rc(&m, 0xffffffffffffeff8ull, 8, MM_EBUS);
	image_close(img);
	remove_temp_file(path);
}

/* ---- writes ---- */

static void read_file(const char *path, uint8_t *out, size_t len)
{
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f);
	cr_assert_eq(fread(out, 1, len, f), len);
	cr_expect_eq(fgetc(f), EOF, "file did not grow");
	fclose(f);
}

Test(image, writes_are_private)
{
	uint8_t buf[BASE_LEN], after[BASE_LEN];
	char *path;
	struct image *img, *other;
	struct pt_mem m, mo;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	other = open_ok(path, IMAGE_ELF, 0);
	m = image_pt_mem(img);
	mo = image_pt_mem(other);

	cr_assert_eq(pt_mem_write(&m, 0x1000, 8, 0x0123456789abcdefull), MM_OK);
	cr_assert_eq(pt_mem_write(&m, 0x200ffc, 4, 0xa5a5a5a5), MM_OK);
	cr_assert_eq(pt_mem_write(&m, 0x300803, 1, 0x77), MM_OK);
	cr_expect_eq(read_ok(&m, 0x1000, 8), 0x0123456789abcdefull);
	cr_expect_eq(read_ok(&m, 0x1000, 2), 0xcdef);
	cr_expect_eq(read_ok(&m, 0x200ff8, 8),
		     (0xa5a5a5a5ull << 32) | le(buf + 0x2ff8, 4));
	cr_expect_eq(read_ok(&m, 0x300800, 8) >> 24, 0x77, "tail word sees the written byte");

	/* Another image of the same file and the file itself are unchanged. */
	cr_expect_eq(read_ok(&mo, 0x1000, 8), le(buf + 0x1000, 8));
	read_file(path, after, sizeof(after));
	cr_expect_eq(memcmp(buf, after, sizeof(buf)), 0, "the file on disk changed");

	/* Outside, straddling, misaligned, or into the zero tail: refused. */
	cr_expect_eq(pt_mem_write(&m, 0x100000, 8, 1), MM_EBUS);
	cr_expect_eq(pt_mem_write(&m, 0x400100, 8, 1), MM_EBUS);
	cr_expect_eq(pt_mem_write(&m, 0x2000, 8, 1), MM_EBUS);
	cr_expect_eq(pt_mem_write(&m, 0x300800, 8, 1), MM_EBUS);
	cr_expect_eq(pt_mem_write(&m, 0x1002, 4, 1), MM_EINVAL);
	cr_expect_eq(read_ok(&m, 0x2000, 8), 0);

	image_close(other);
	image_close(img);
	read_file(path, after, sizeof(after));
	cr_expect_eq(memcmp(buf, after, sizeof(buf)), 0, "the file changed on close");
	remove_temp_file(path);
}

Test(image, cannot_allocate_nodes)
{
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;
	struct pt_mem m;
	struct mm_error err = { 0 };
	uint64_t pa = 0;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	m = image_pt_mem(img);
	cr_expect_eq(m.ops->alloc_node(m.impl, &pa, &err), MM_ENOMEM);
	cr_expect_eq(err.code, MM_ENOMEM);
	cr_expect_str_eq(err.msg, "an image is read-only: cannot allocate page-table nodes");
	cr_expect_eq(m.ops->alloc_node(m.impl, &pa, NULL), MM_ENOMEM);
	cr_expect_eq(m.ops->nodes_available(m.impl), 0);
	m.ops->free_node(m.impl, 0x1000); /* a no-op */
	image_close(img);
	remove_temp_file(path);
}

/* ---- notes and detection ---- */

Test(image, mmusim_notes)
{
	uint8_t buf[BASE_LEN];
	char *path, name[16];
	struct image *img;
	uint64_t root, reg;

	build_base(buf);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_assert_eq(image_nr_roots(img), 2, "CORE and type-2 MMUSIM notes are skipped");
	cr_assert_eq(image_root(img, 0, name, &root, &reg), MM_OK);
	cr_expect_str_eq(name, "x86_64-4level");
	cr_expect_eq(root, 0x5000);
	cr_expect_eq(reg, 0x5000);
	cr_assert_eq(image_root(img, 1, name, &root, &reg), MM_OK);
	cr_expect_str_eq(name, "sv39");
	cr_expect_eq(root, 0x80001000);
	cr_expect_eq(reg, 0x8000000000080001ull);
	cr_expect_eq(image_root(img, 2, name, &root, &reg), MM_EINVAL);
	image_close(img);
	remove_temp_file(path);
}

/* Register notes (type 0x4d4d0002, desc = name[16] + u64 value): found by name, the first of a name. */
Test(image, mmusim_register_notes)
{
	uint8_t buf[BASE_LEN], desc[24];
	char *path;
	struct image *img;
	uint64_t v = 7;
	size_t pos = NOTES_OFF;

	build_base(buf);
	memset(buf + NOTES_OFF, 0, 0x1000 - NOTES_OFF);
	memset(desc, 0, sizeof(desc));
	memcpy(desc, "tcr", 3);
	put_le(desc + 16, 8, 0x195b5103510ull);
	put_note(buf, &pos, "MMUSIM", 0x4d4d0002u, desc, 24);
	put_le(desc + 16, 8, 1);
	put_note(buf, &pos, "MMUSIM", 0x4d4d0002u, desc, 24);
	memcpy(desc, "ttbr1", 6);
	put_le(desc + 16, 8, 0x40005000);
	put_note(buf, &pos, "MMUSIM", 0x4d4d0002u, desc, 24);
	put_phdr(buf, 0, PT_NOTE, 0, NOTES_OFF, pos - NOTES_OFF, 0);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_expect_eq(image_nr_roots(img), 0, "register notes are not roots");
	cr_assert_eq(image_reg(img, "tcr", &v), MM_OK);
	cr_expect_eq(v, 0x195b5103510ull);
	cr_assert_eq(image_reg(img, "ttbr1", &v), MM_OK);
	cr_expect_eq(v, 0x40005000);
	v = 7;
	cr_expect_eq(image_reg(img, "mair", &v), MM_EINVAL);
	cr_expect_eq(v, 7, "untouched when absent");
	image_close(img);
	remove_temp_file(path);

	/* A register note of another size is malformed. */
	pos = NOTES_OFF;
	put_note(buf, &pos, "MMUSIM", 0x4d4d0002u, desc, 16);
	put_phdr(buf, 0, PT_NOTE, 0, NOTES_OFF, pos - NOTES_OFF, 0);
	path = write_bytes(buf, sizeof(buf));
	{
		struct mm_error err = { 0 };
		cr_expect_eq(image_open(path, IMAGE_ELF, 0, &img, &err), MM_EINVAL);
		cr_expect(strstr(err.msg, ": segment 0: MMUSIM register note has a 16-byte descriptor, expected 24"),
			  "%s", err.msg);
	}
	remove_temp_file(path);
}

/* 8-byte aligned notes (p_align 8) and a name without its NUL. */
Test(image, notes_aligned_to_8)
{
	uint8_t buf[0x2000] = { 0 }, desc[32];
	char *path, name[16];
	struct image *img;
	uint64_t root, reg;
	size_t pos = 0x100;

	put_ehdr(buf, 2);
	/* namesz 4 "GNU\0": header 12 + name 4 = 16, already 8-aligned; desc 4 padded to 8. */
	put_le(buf + pos, 4, 4);
	put_le(buf + pos + 4, 4, 4);
	put_le(buf + pos + 8, 4, 5);
	memcpy(buf + pos + 12, "GNU", 4);
	pos += 16 + 8;
	/* namesz 6 "MMUSIM" (no NUL): 12 + 6 = 18, padded to 24. */
	put_le(buf + pos, 4, 6);
	put_le(buf + pos + 4, 4, 32);
	put_le(buf + pos + 8, 4, 0x4d4d0001u);
	memcpy(buf + pos + 12, "MMUSIM", 6);
	root_desc(desc, "a", 0x1000, 7);
	memcpy(buf + pos + 24, desc, 32);
	pos += 24 + 32;
	put_phdr(buf, 0, PT_NOTE, 0, 0x100, pos - 0x100, 0);
	SET_PH(buf, 0, p_align, 8);
	put_phdr(buf, 1, PT_LOAD, 0, 0x1000, 0x1000, 0x1000);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_assert_eq(image_nr_roots(img), 1);
	cr_assert_eq(image_root(img, 0, name, &root, &reg), MM_OK);
	cr_expect_str_eq(name, "a");
	cr_expect_eq(root, 0x1000);
	cr_expect_eq(reg, 7);
	image_close(img);
	remove_temp_file(path);
}

/* QEMU's encoding of more than 65534 program headers: e_phnum = PN_XNUM, count in sh_info. */
Test(image, pn_xnum)
{
	uint8_t buf[BASE_LEN];
	char *path;
	struct image *img;

	build_base(buf);
	SET_EH(buf, e_phnum, PN_XNUM);
	SET_EH(buf, e_shoff, 0x300);
	SET_EH(buf, e_shentsize, sizeof(Elf64_Shdr));
	SET_EH(buf, e_shnum, 0);
	put_le(buf + 0x300 + offsetof(Elf64_Shdr, sh_info), 4, NR_PHDRS);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_expect_eq(image_nr_segments(img), 5);
	cr_expect_eq(image_nr_roots(img), 2);
	image_close(img);
	remove_temp_file(path);
}

Test(image, auto_detection)
{
	uint8_t buf[BASE_LEN];
	char *elf, *raw;
	struct image *img;
	struct pt_mem m;
	uint64_t pa, len;

	build_base(buf);
	elf = write_bytes(buf, sizeof(buf));
	img = open_ok(elf, IMAGE_AUTO, 0x80000000);
	cr_expect_eq(image_nr_segments(img), 5, "AUTO on an ELF file parses it");
	image_close(img);

	/* RAW forces the whole file, ELF header included, at raw_base. */
	img = open_ok(elf, IMAGE_RAW, 0x80000000);
	cr_assert_eq(image_nr_segments(img), 1);
	image_segment(img, 0, &pa, &len);
	cr_expect_eq(pa, 0x80000000);
	cr_expect_eq(len, BASE_LEN);
	cr_expect_eq(image_nr_roots(img), 0);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0x80000000, 4), le((const uint8_t *)ELFMAG, 4));
	image_close(img);

	/* Not ELF: AUTO is raw. */
	buf[0] = 0;
	raw = write_bytes(buf, sizeof(buf));
	img = open_ok(raw, IMAGE_AUTO, 0x80000000);
	cr_assert_eq(image_nr_segments(img), 1);
	image_segment(img, 0, &pa, &len);
	cr_expect_eq(pa, 0x80000000);
	cr_expect_eq(len, BASE_LEN);
	image_close(img);
	remove_temp_file(raw);
	remove_temp_file(elf);
}

Test(image, raw_image)
{
	uint8_t buf[0x1003];
	char *path;
	struct image *img;
	struct pt_mem m;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	buf[0] = 0x7f; /* half a magic is still raw */
	buf[1] = 'E';
	buf[2] = 'L';
	buf[3] = 'X';
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_AUTO, 0x80000000);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0x80000000, 8), le(buf, 8));
	cr_expect_eq(read_ok(&m, 0x80000ff8, 8), le(buf + 0xff8, 8));
	cr_expect_eq(read_ok(&m, 0x80001002, 1), buf[0x1002]);
	cr_expect_eq(read_ok(&m, 0x80001000, 2), le(buf + 0x1000, 2));
	expect_read_rc(&m, 0x80001000, 4, MM_EBUS);
	expect_read_rc(&m, 0x80001000, 8, MM_EBUS);
	expect_read_rc(&m, 0x7ffffff8, 8, MM_EBUS);
	image_close(img);

	/* A raw image may end exactly at 2^64. */
	img = open_ok(path, IMAGE_RAW, 0 - (uint64_t)sizeof(buf));
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, UINT64_MAX, 1), buf[sizeof(buf) - 1]);
	image_close(img);
	remove_temp_file(path);
}

/* A multi-GiB sparse core: opening and reading it costs host memory only for what is read. */
static long resident_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

Test(image, large_sparse_core)
{
	const uint64_t mem = 8ull << 30;
	uint8_t hdr[0x1000] = { 0 }, word[8];
	char *path;
	struct image *img;
	struct pt_mem m;
	long before, after;
	int fd;

	put_ehdr(hdr, 1);
	put_phdr(hdr, 0, PT_LOAD, 0x100000000ull, 0x1000, mem, mem);
	path = write_bytes(hdr, sizeof(hdr));
	fd = open(path, O_WRONLY);
	cr_assert_geq(fd, 0);
	if (ftruncate(fd, (off_t)(0x1000 + mem)) != 0) {
		close(fd);
		remove_temp_file(path);
		cr_skip_test("cannot create an 8 GiB sparse file here");
	}
	put_le(word, 8, 0x8000000012345067ull);
	cr_assert_eq(pwrite(fd, word, 8, (off_t)(0x1000 + mem - 8)), 8);
	cr_assert_eq(pwrite(fd, word, 8, (off_t)(0x1000 + mem / 2)), 8);
	close(fd);

	before = resident_kib();
	img = open_ok(path, IMAGE_AUTO, 0);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0x100000000ull + mem - 8, 8), 0x8000000012345067ull);
	cr_expect_eq(read_ok(&m, 0x100000000ull + mem / 2, 8), 0x8000000012345067ull);
	cr_expect_eq(read_ok(&m, 0x100000000ull, 8), 0);
	cr_expect_eq(read_ok(&m, 0x100000000ull + (3ull << 30), 8), 0);
	cr_assert_eq(pt_mem_write(&m, 0x100000000ull + mem - 8, 8, 1), MM_OK);
	cr_expect_eq(read_ok(&m, 0x100000000ull + mem - 8, 8), 1);
	after = resident_kib();
	if (before >= 0 && after >= 0)
		cr_expect_lt(after - before, 8 * 1024, "RSS grew by %ld KiB", after - before);
	image_close(img);
	remove_temp_file(path);
}

/* ---- malformed files: one error each, with its exact message ---- */

enum mutation {
	M_EMPTY, M_NOT_ELF, M_SHORT_MAGIC, M_CLASS_NONE, M_BIG_ENDIAN, M_TRUNC_HDR, M_PHENTSIZE,
	M_PHOFF, M_PHOFF_HUGE, M_PHNUM, M_SEG_OUT, M_SEG_OFF_WRAP, M_SEG_FILESZ_WRAP,
	M_NOTE_OUT, M_PA_WRAP, M_MEMSZ_WRAP, M_OVERLAP_TAIL, M_OVERLAP_BYTE, M_NO_LOAD,
	M_ALL_FILESZ0, M_NOTE_TRUNC, M_NOTE_NAME_TRUNC, M_NOTE_DESCSZ, M_NOTE_NAME_NUL,
	M_XNUM_NO_SHDR, M_XNUM_SHDR_OUT, M_RAW_WRAP, M_BAD_KIND,
};

struct bad_case {
	char name[32];
	enum mutation mutation;
	int code;
	char msg[160];   /* after "PATH: " */
};

static struct bad_case bad_cases[] = {
	{ "empty", M_EMPTY, MM_EINVAL, "empty file" },
	{ "not_elf", M_NOT_ELF, MM_EINVAL, "not a little-endian ELF32 or ELF64 file" },
	{ "short_magic", M_SHORT_MAGIC, MM_EINVAL, "not a little-endian ELF32 or ELF64 file" },
	{ "class_none", M_CLASS_NONE, MM_EINVAL, "not a little-endian ELF32 or ELF64 file" },
	{ "big_endian", M_BIG_ENDIAN, MM_EINVAL, "not a little-endian ELF32 or ELF64 file" },
	{ "truncated_header", M_TRUNC_HDR, MM_EINVAL, "truncated ELF header" },
	{ "phentsize", M_PHENTSIZE, MM_EINVAL, "bad e_phentsize 32 (expected 56)" },
	{ "phoff", M_PHOFF, MM_EINVAL, "program headers outside the file" },
	{ "phoff_huge", M_PHOFF_HUGE, MM_EINVAL, "program headers outside the file" },
	{ "phnum", M_PHNUM, MM_EINVAL, "program headers outside the file" },
	{ "segment_outside", M_SEG_OUT, MM_EINVAL,
	  "segment 1 (memory) is file bytes 0x3800 + 0x1000, past the end of the file (0x4000 bytes): "
	  "the file is truncated" },
	{ "segment_offset_wrap", M_SEG_OFF_WRAP, MM_EINVAL,
	  "segment 1 (memory) is file bytes 0xffffffffffffffff + 0x1000, past the end of the file "
	  "(0x4000 bytes): the file is truncated" },
	{ "segment_filesz_wrap", M_SEG_FILESZ_WRAP, MM_EINVAL,
	  "segment 4 (memory) is file bytes 0x3000 + 0xffffffffffffffff, past the end of the file "
	  "(0x4000 bytes): the file is truncated" },
	{ "note_outside", M_NOTE_OUT, MM_EINVAL,
	  "segment 0 (notes) is file bytes 0x3f00 + 0x200, past the end of the file (0x4000 bytes): "
	  "the file is truncated" },
	{ "pa_wrap", M_PA_WRAP, MM_EINVAL, "segment 1 wraps the physical address space" },
	{ "memsz_wrap", M_MEMSZ_WRAP, MM_EINVAL, "segment 2 wraps the physical address space" },
	{ "overlap_tail", M_OVERLAP_TAIL, MM_EINVAL, "segments 1 and 2 overlap" },
	{ "overlap_byte", M_OVERLAP_BYTE, MM_EINVAL, "segments 5 and 6 overlap" },
	{ "no_load", M_NO_LOAD, MM_EINVAL, "no memory segments (no PT_LOAD with p_filesz > 0)" },
	{ "all_filesz0", M_ALL_FILESZ0, MM_EINVAL,
	  "no memory segments (no PT_LOAD with p_filesz > 0)" },
	{ "note_desc_overrun", M_NOTE_TRUNC, MM_EINVAL, "segment 0: truncated note" },
	{ "note_name_overrun", M_NOTE_NAME_TRUNC, MM_EINVAL, "segment 0: truncated note" },
	{ "note_descsz", M_NOTE_DESCSZ, MM_EINVAL,
	  "segment 0: MMUSIM root note has a 24-byte descriptor, expected 32" },
	{ "note_name_nul", M_NOTE_NAME_NUL, MM_EINVAL,
	  "segment 0: MMUSIM note name is not NUL-terminated" },
	{ "xnum_no_shdr", M_XNUM_NO_SHDR, MM_EINVAL,
	  "e_phnum is PN_XNUM but section header 0 is outside the file" },
	{ "xnum_shdr_out", M_XNUM_SHDR_OUT, MM_EINVAL,
	  "e_phnum is PN_XNUM but section header 0 is outside the file" },
	{ "raw_wrap", M_RAW_WRAP, MM_EINVAL,
	  "raw image at 0xffffffffffffefff wraps the physical address space" },
	{ "bad_kind", M_BAD_KIND, MM_EINVAL, "bad image kind 7" },
};

ParameterizedTestParameters(image, malformed)
{
	return cr_make_param_array(struct bad_case, bad_cases,
				   sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(const struct bad_case *c, image, malformed)
{
	uint8_t buf[BASE_LEN];
	struct note_offsets no = build_base(buf);
	size_t len = BASE_LEN;
	enum image_kind kind = IMAGE_ELF;
	uint64_t raw_base = 0;
	struct mm_error err = { 0 };
	struct image *img = (struct image *)1;
	char *path, want[400];
	int rc;

	switch (c->mutation) {
	case M_EMPTY: len = 0; kind = IMAGE_AUTO; break;
	case M_NOT_ELF: buf[0] = 'X'; break;
	case M_SHORT_MAGIC: len = 3; break;
	case M_CLASS_NONE: buf[EI_CLASS] = ELFCLASSNONE; break;
	case M_BIG_ENDIAN: buf[EI_DATA] = ELFDATA2MSB; break;
	case M_TRUNC_HDR: len = 40; break;
	case M_PHENTSIZE: SET_EH(buf, e_phentsize, 32); break;
	case M_PHOFF: SET_EH(buf, e_phoff, BASE_LEN - 64); break;
	case M_PHOFF_HUGE: SET_EH(buf, e_phoff, UINT64_MAX - 8); break;
	case M_PHNUM: SET_EH(buf, e_phnum, 1000); break;
	case M_SEG_OUT: SET_PH(buf, 1, p_offset, 0x3800); break;
	case M_SEG_OFF_WRAP: SET_PH(buf, 1, p_offset, UINT64_MAX); break;
	case M_SEG_FILESZ_WRAP: SET_PH(buf, 4, p_filesz, UINT64_MAX); break;
	case M_NOTE_OUT: SET_PH(buf, 0, p_offset, 0x3f00); SET_PH(buf, 0, p_filesz, 0x200); break;
	case M_PA_WRAP: SET_PH(buf, 1, p_paddr, 0xfffffffffffff001ull); break;
	case M_MEMSZ_WRAP: SET_PH(buf, 2, p_memsz, UINT64_MAX); break;
	case M_OVERLAP_TAIL: SET_PH(buf, 1, p_paddr, 0x2800); break;
	case M_OVERLAP_BYTE: SET_PH(buf, 6, p_paddr, 0x400103); break;
	case M_NO_LOAD:
		for (unsigned i = 1; i < NR_PHDRS; i++)
			SET_PH(buf, i, p_type, PT_NULL);
		break;
	case M_ALL_FILESZ0:
		for (unsigned i = 1; i < NR_PHDRS; i++)
			SET_PH(buf, i, p_filesz, 0);
		break;
	case M_NOTE_TRUNC: put_le(buf + no.core + 4, 4, 0x1000); break;
	case M_NOTE_NAME_TRUNC: put_le(buf + no.mmusim_sv39, 4, 0x10000); break;
	case M_NOTE_DESCSZ: put_le(buf + no.mmusim_x86 + 4, 4, 24); break;
	case M_NOTE_NAME_NUL: memset(buf + no.mmusim_sv39 + 12 + 8, 'x', 16); break;
	case M_XNUM_NO_SHDR: SET_EH(buf, e_phnum, PN_XNUM); break;
	case M_XNUM_SHDR_OUT:
		SET_EH(buf, e_phnum, PN_XNUM);
		SET_EH(buf, e_shoff, BASE_LEN - 32);
		SET_EH(buf, e_shentsize, sizeof(Elf64_Shdr));
		break;
	case M_RAW_WRAP: kind = IMAGE_RAW; raw_base = 0xffffffffffffefffull; break;
	case M_BAD_KIND: kind = (enum image_kind)7; break;
	}
	path = write_bytes(buf, len);
	rc = image_open(path, kind, raw_base, &img, &err);
	snprintf(want, sizeof(want), "%s: %s", path, c->msg);
	cr_expect_eq(rc, c->code, "%s: rc %d", c->name, rc);
	cr_expect_eq(err.code, c->code, "%s", c->name);
	cr_expect_str_eq(err.msg, want, "%s", c->name);
	cr_expect_null(img, "%s: *out is NULL on failure", c->name);
	/* err may be NULL. */
	cr_expect_eq(image_open(path, kind, raw_base, &img, NULL), c->code, "%s", c->name);
	remove_temp_file(path);
}

Test(image, cannot_open)
{
	struct mm_error err = { 0 };
	struct image *img = NULL;
	char *dir = malloc(64);
	char want[128];

	cr_expect_eq(image_open("/nonexistent/core.elf", IMAGE_AUTO, 0, &img, &err), MM_EIO);
	cr_expect_str_eq(err.msg, "/nonexistent/core.elf: cannot open: No such file or directory");
	cr_expect_null(img);

	snprintf(dir, 64, "/tmp/mmusim-image-dir-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_expect_eq(image_open(dir, IMAGE_ELF, 0, &img, &err), MM_EIO);
	snprintf(want, sizeof(want), "%s: cannot open: Is a directory", dir);
	cr_expect_str_eq(err.msg, want);
	cr_expect_null(img);
	rmdir(dir);
	free(dir);

	cr_expect_eq(image_open("/dev/null", IMAGE_RAW, 0, &img, &err), MM_EIO);
	cr_expect_str_eq(err.msg, "/dev/null: not a regular file");
}

/* ---- robustness: random damage to a valid header opens or fails cleanly ---- */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Touches every segment and note of an image that opened. */
static void exercise(struct image *img)
{
	struct pt_mem m = image_pt_mem(img);
	size_t n = image_nr_segments(img);
	uint64_t prev_end = 0, v;
	char name[16];

	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa, len;
		image_segment(img, i, &pa, &len);
		cr_assert_gt(len, 0);
		cr_assert(i == 0 || pa >= prev_end, "segments sorted and disjoint");
		prev_end = pa + len;
		for (unsigned size = 1; size <= 8; size *= 2) {
			uint64_t a = pa & ~(uint64_t)(size - 1);
			uint64_t last = (pa + len - 1) & ~(uint64_t)(size - 1);
			uint64_t probes[] = { a, a + size, last, last - size, last + size,
					      pa + len / 2, a - size };
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
				int rc = pt_mem_read(&m, probes[k] & ~(uint64_t)(size - 1), size, &v);
				cr_assert(rc == MM_OK || rc == MM_EBUS, "rc %d", rc);
			}
		}
		(void)pt_mem_write(&m, pa & ~7ull, 8, 0x55);
		(void)pt_mem_write(&m, (pa + len - 1) & ~7ull, 8, 0x55);
	}
	for (size_t i = 0; i < image_nr_roots(img); i++) {
		uint64_t root, reg;
		cr_assert_eq(image_root(img, i, name, &root, &reg), MM_OK);
		cr_assert_lt(strlen(name), 16);
	}
}

Test(image, random_header_damage)
{
	static const uint64_t interesting[] = {
		0, 1, 7, 8, 56, 64, 0xfff, 0x1000, BASE_LEN - 1, BASE_LEN, BASE_LEN + 1,
		0x7fffffff, 0xffffffff, 0x8000000000000000ull, UINT64_MAX - 0xfff, UINT64_MAX,
	};
	uint8_t base[BASE_LEN], buf[BASE_LEN];
	struct note_offsets no = build_base(base);
	char *path = write_bytes(base, sizeof(base));
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned opened = 0, failed = 0;

	for (int iter = 0; iter < 2000; iter++) {
		struct image *img = NULL;
		struct mm_error err = { 0 };
		size_t len = BASE_LEN;
		unsigned nmut = 1 + (unsigned)(xorshift(&seed) % 4);
		int rc;

		memcpy(buf, base, sizeof(buf));
		for (unsigned k = 0; k < nmut; k++) {
			uint64_t r = xorshift(&seed);
			/* Aim at the headers and notes: everything the parser trusts. */
			size_t off = (size_t)(xorshift(&seed) % no.end);
			switch (r % 5) {
			case 0: /* a random byte */
				buf[off] = (uint8_t)(r >> 8);
				break;
			case 1: /* one flipped bit */
				buf[off] ^= (uint8_t)(1u << ((r >> 8) % 8));
				break;
			case 2: /* an interesting 8-byte value at an 8-aligned field */
				if (off + 8 <= no.end)
					put_le(buf + (off & ~(size_t)7), 8,
					       interesting[(r >> 8) % (sizeof(interesting) / 8)]);
				break;
			case 3: /* an interesting 4-byte value (note sizes, sh_info) */
				if (off + 4 <= no.end)
					put_le(buf + (off & ~(size_t)3), 4,
					       interesting[(r >> 8) % (sizeof(interesting) / 8)]);
				break;
			case 4: /* a truncated file */
				len = (size_t)((r >> 8) % BASE_LEN) + 1;
				break;
			}
		}
		rewrite_file(path, buf, len);
		rc = image_open(path, IMAGE_AUTO, xorshift(&seed) & ~0xfffull, &img, &err);
		if (rc == MM_OK) {
			exercise(img);
			image_close(img);
			opened++;
		} else {
			cr_assert_null(img);
			cr_assert_eq(err.code, rc);
			cr_assert(strncmp(err.msg, path, strlen(path)) == 0, "%s", err.msg);
			failed++;
		}
	}
	cr_expect_gt(opened, 100, "opened %u", opened);
	cr_expect_gt(failed, 100, "failed %u", failed);
	remove_temp_file(path);
}

/*
 * Aliases, as a kdump vmcore has them (p_vaddr the kernel's VA): segments that repeat
 * memory another holds, with the same bytes, are one memory.  0: PA 0x10000..0x13000
 * (file 0x1000); 1: PA 0x11000, one page, the same file bytes; 2: PA 0x11800..0x14000,
 * the same file bytes then one page more; 3: PA 0x10000, one page, a copy of 0's bytes
 * elsewhere in the file; 4: PA 0x12000, half a page of 0's bytes.  Left: 0x10000..0x13000
 * and 2's tail 0x13000..0x14000.
 */
Test(image, vmcore_aliases_merge)
{
	static uint8_t buf[0x6000];
	uint64_t pa, len;
	char *path;
	struct image *img;
	struct pt_mem m;

	memset(buf, 0, sizeof(buf));
	put_ehdr(buf, 5);
	for (size_t i = 0x1000; i < 0x5000; i++)
		buf[i] = pattern(i);
	memcpy(buf + 0x5000, buf + 0x1000, 0x1000);
	put_phdr(buf, 0, PT_LOAD, 0x10000, 0x1000, 0x3000, 0x3000);
	put_phdr(buf, 1, PT_LOAD, 0x11000, 0x2000, 0x1000, 0x1000);
	put_phdr(buf, 2, PT_LOAD, 0x11800, 0x2800, 0x2800, 0x2800);
	put_phdr(buf, 3, PT_LOAD, 0x10000, 0x5000, 0x1000, 0x1000);
	put_phdr(buf, 4, PT_LOAD, 0x12000, 0x3000, 0x800, 0x800); /* sorts before 2 once 2 is trimmed */
	for (unsigned i = 0; i < 5; i++)
		SET_PH(buf, i, p_vaddr, 0xffffffff81000000ull + 0x100000 * i);
	path = write_bytes(buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_assert_eq(image_nr_segments(img), 2);
	image_segment(img, 0, &pa, &len);
	cr_expect_eq(pa, 0x10000);
	cr_expect_eq(len, 0x3000);
	image_segment(img, 1, &pa, &len);
	cr_expect_eq(pa, 0x13000);
	cr_expect_eq(len, 0x1000);
	m = image_pt_mem(img);
	cr_expect_eq(read_ok(&m, 0x12ff8, 8), le(buf + 0x3ff8, 8));
	cr_expect_eq(read_ok(&m, 0x13008, 8), le(buf + 0x4008, 8));
	image_close(img);

	/* A byte that differs in segment 3's copy makes it no alias: the overlap is refused. */
	buf[0x5000] ^= 1;
	rewrite_file(path, buf, sizeof(buf));
	{
		struct mm_error err = { 0 };
		cr_expect_eq(image_open(path, IMAGE_ELF, 0, &img, &err), MM_EINVAL);
		cr_expect(strstr(err.msg, "segments 0 and 3 overlap") != NULL, "%s", err.msg);
	}
	remove_temp_file(path);
}

/*
 * Two notes segments that list the same 100 root notes: each PT_NOTE header
 * pointing at one block of notes made the open parse it again and keep its
 * roots again (a 1 MB file of 500 such headers over 20000 notes took 12 s and
 * 540 MB).  The notes of all segments fit in the file, or they overlap.
 */
Test(image, notes_segments_listing_the_same_notes_are_refused)
{
	enum { NOTES = 0x100, NR = 100, SIZE = NOTES + NR * 52 + 0x10 };
	static uint8_t buf[SIZE];
	struct mm_error err = { 0 };
	struct image *img = NULL;
	uint8_t desc[32];
	size_t pos = NOTES;
	char *path, want[160];

	memset(buf, 0, sizeof(buf));
	put_ehdr(buf, 3);
	root_desc(desc, "x86_64-4level", 0x1000, 0x1000);
	for (unsigned i = 0; i < NR; i++)
		put_note(buf, &pos, "MMUSIM", 0x4d4d0001u, desc, 32);
	cr_assert_eq(pos, NOTES + NR * 52);
	put_phdr(buf, 0, PT_LOAD, 0x1000, pos, 0x10, 0x10);
	put_phdr(buf, 1, PT_NOTE, 0, NOTES, pos - NOTES, 0);
	put_phdr(buf, 2, PT_NOTE, 0, NOTES, pos - NOTES, 0);
	path = write_bytes(buf, sizeof(buf));
	cr_expect_eq(image_open(path, IMAGE_ELF, 0, &img, &err), MM_EINVAL);
	cr_expect_null(img);
	snprintf(want, sizeof(want),
		 "%s: segment 2 (notes) and the notes segments before it hold more bytes than the file "
		 "(0x%x): they overlap, listing the same notes again", path, (unsigned)SIZE);
	cr_expect_str_eq(err.msg, want);

	/* One of them is the dump's notes. */
	put_phdr(buf, 2, PT_LOAD, 0x2000, pos, 0x10, 0x10);
	rewrite_file(path, buf, sizeof(buf));
	img = open_ok(path, IMAGE_ELF, 0);
	cr_expect_eq(image_nr_roots(img), NR);
	image_close(img);
	remove_temp_file(path);
}

/*
 * A dump of 400000 aliases of one page (its e_phnum PN_XNUM, the count in
 * section header 0): the first half start at the page's PA and end inside it
 * (dropped), the second half start at its last byte and run one byte past it
 * (trimmed to that byte).  Left: the page and the byte after it.  Moving the
 * segment array along for every alias made this take minutes (a 22 MB file);
 * it opens in well under a second.
 */
Test(image, many_aliases_open_in_linear_time, .init = time_limit_30s)
{
	/* Memcheck checks the same paths on fewer segments (it runs this 20-50 times slower). */
	const unsigned n = running_under_valgrind() ? 4000 : 400000;
	const size_t data = sizeof(Elf64_Ehdr) + (size_t)n * sizeof(Elf64_Phdr);
	const size_t shdr = data + 0x1001, size = shdr + sizeof(Elf64_Shdr);
	const uint64_t pa = 0x10000, va = 0xffff888000000000ull;
	uint8_t *buf = calloc(1, size);
	uint64_t seg_pa, seg_len;
	struct image *img;
	char *path;

	cr_assert_not_null(buf);
	put_ehdr(buf, PN_XNUM);
	SET_EH(buf, e_shoff, shdr);
	SET_EH(buf, e_shentsize, sizeof(Elf64_Shdr));
	put_le(buf + shdr + offsetof(Elf64_Shdr, sh_info), 4, n);
	for (size_t i = 0; i < 0x1001; i++)
		buf[data + i] = pattern(i);
	put_phdr(buf, 0, PT_LOAD, pa, data, 0x1000, 0x1000);
	for (unsigned i = 1; i < n; i++) {
		if (i < n / 2)
			put_phdr(buf, i, PT_LOAD, pa, data, 1, 1);
		else
			put_phdr(buf, i, PT_LOAD, pa + 0xfff, data + 0xfff, 2, 2);
	}
	for (unsigned i = 0; i < n; i++)
		SET_PH(buf, i, p_vaddr, va + le(buf + PH(i, p_paddr), 8));
	path = write_bytes(buf, size);
	img = open_ok(path, IMAGE_ELF, 0);
	cr_assert_eq(image_nr_segments(img), 2);
	image_segment(img, 0, &seg_pa, &seg_len);
	cr_expect_eq(seg_pa, pa);
	cr_expect_eq(seg_len, 0x1000);
	image_segment(img, 1, &seg_pa, &seg_len);
	cr_expect_eq(seg_pa, pa + 0x1000);
	cr_expect_eq(seg_len, 1);
	image_close(img);
	remove_temp_file(path);
	free(buf);
}
