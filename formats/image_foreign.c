/*
 * image_foreign: signatures of dump and compression formats (see image_foreign.h).
 *
 * A raw memory file has no header, so "not ELF, not OSTEP" used to mean raw: a
 * kdump file from QEMU's dump-guest-memory -z was then walked as memory at PA 0
 * and gave confident, wrong translations.  Each signature here is at least three
 * bytes at offset 0 and names a format with a documented magic; the first bytes
 * of real RAM (x86's real-mode vector table, firmware code at a RISC-V or Arm
 * RAM base) are not any of them in practice.
 */
#include "image_foreign.h"

#include <string.h>

#define NOT_MEMORY                                                                  \
	", not physical memory as it is: mmusim reads ELF cores (dump-guest-memory " \
	"without a format option) and raw memory files"
#define COMPRESSED "-compressed file: decompress it first (an image is mapped, not read through a decompressor)"

struct signature {
	const char *magic;
	size_t len;
	const char *what;
};

static const struct signature signatures[] = {
	/* makedumpfile's flattened format: what QEMU before 8.2 writes for -z/-l/-s. */
	{ "makedumpfile\0\0\0\0", 16,
	  "a makedumpfile flattened kdump (QEMU dump-guest-memory -z, -l or -s)" NOT_MEMORY },
	{ "KDUMP   ", 8, "a kdump-compressed dump (makedumpfile; QEMU dump-guest-memory -z, -l or -s)" NOT_MEMORY },
	{ "DISKDUMP", 8, "a diskdump dump" NOT_MEMORY },
	/* Windows' crash dump header (QEMU's -w writes the 64-bit one). */
	{ "PAGEDU64", 8, "a Windows crash dump (QEMU dump-guest-memory -w)" NOT_MEMORY },
	{ "PAGEDUMP", 8, "a Windows crash dump (QEMU dump-guest-memory -w)" NOT_MEMORY },
	{ "\x1f\x8b\x08", 3, "a gzip" COMPRESSED },
	{ "\xfd" "7zXZ\0", 6, "an xz" COMPRESSED },
	{ "\x28\xb5\x2f\xfd", 4, "a zstd" COMPRESSED },
	{ "\x04\x22\x4d\x18", 4, "an lz4" COMPRESSED },
};

/* bzip2: "BZh", the block size '1'..'9', then the block magic (the BCD digits of pi). */
static int is_bzip2(const uint8_t *p, size_t len)
{
	return len >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
	       memcmp(p + 4, "1AY&SY", 6) == 0;
}

const char *image_foreign_format(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (len >= signatures[i].len && memcmp(p, signatures[i].magic, signatures[i].len) == 0)
			return signatures[i].what;
	if (is_bzip2(p, len))
		return "a bzip2" COMPRESSED;
	return NULL;
}
