/*
 * image_vmcoreinfo: Linux's VMCOREINFO note (see image_vmcoreinfo.h).
 *
 * The descriptor is text, "KEY=VALUE\n" lines (kernel/vmcore_info.c,
 * arch/x86/kernel/crash_core_64.c): SYMBOL(x) a VA in hex without 0x,
 * NUMBER(x) a signed decimal.  The kernel table's PA is what __pa_symbol
 * computes: VA - __START_KERNEL_map + phys_base.  Values are parsed within the
 * descriptor's bounds; the text need not end with a NUL.
 */
#include "image_vmcoreinfo.h"

#include <string.h>

#define START_KERNEL_MAP 0xffffffff80000000ull

/* The value of the line "key=VALUE" as [*v, *v + *len), or false. */
static bool find_value(const uint8_t *d, uint64_t n, const char *key, const uint8_t **v, uint64_t *len)
{
	uint64_t klen = strlen(key);

	for (uint64_t pos = 0; pos < n;) {
		const uint8_t *nl = memchr(d + pos, '\n', n - pos);
		uint64_t end = nl ? (uint64_t)(nl - d) : n;

		if (end - pos > klen && memcmp(d + pos, key, klen) == 0 && d[pos + klen] == '=') {
			*v = d + pos + klen + 1;
			*len = end - pos - klen - 1;
			return true;
		}
		pos = end + 1;
	}
	return false;
}

/* Digits of base 10 or 16 (no prefix), an optional '-' for base 10, at most 64 bits. */
static bool parse_number(const uint8_t *v, uint64_t len, unsigned base, uint64_t *out)
{
	bool neg = base == 10 && len && v[0] == '-';
	uint64_t x = 0;

	if (neg) {
		v++;
		len--;
	}
	if (len == 0 || len > 20)
		return false;
	for (uint64_t i = 0; i < len; i++) {
		unsigned c = v[i], dgt;
		if (c >= '0' && c <= '9')
			dgt = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			dgt = c - 'a' + 10;
		else
			return false;
		if (x > (UINT64_MAX - dgt) / base)
			return false;
		x = x * base + dgt;
	}
	*out = neg ? 0 - x : x;
	return true;
}

bool image_vmcoreinfo_x86_64_root(const uint8_t *name, uint64_t namesz, uint64_t type, const uint8_t *desc,
				  uint64_t descsz, uint64_t *root, unsigned *levels)
{
	const uint8_t *v;
	uint64_t len, sym, phys_base, l5;

	if ((namesz != sizeof("VMCOREINFO") && namesz != sizeof("VMCOREINFO") - 1) ||
	    memcmp(name, "VMCOREINFO", namesz) != 0 || type != 0)
		return false;
	if (!(find_value(desc, descsz, "SYMBOL(init_top_pgt)", &v, &len) ||
	      find_value(desc, descsz, "SYMBOL(init_level4_pgt)", &v, &len)) ||
	    !parse_number(v, len, 16, &sym) || sym < START_KERNEL_MAP)
		return false;
	if (!find_value(desc, descsz, "NUMBER(phys_base)", &v, &len) || !parse_number(v, len, 10, &phys_base))
		return false;
	*root = sym - START_KERNEL_MAP + phys_base;
	*levels = 0;
	if (find_value(desc, descsz, "NUMBER(pgtable_l5_enabled)", &v, &len) && parse_number(v, len, 10, &l5))
		*levels = l5 ? 5 : 4;
	return true;
}
