/*
 * test_cli_napot_explain: a Svnapot 64 KiB leaf told by explain.  The RISC-V
 * privileged spec (Svnapot) makes PPN[3:0] = 0b1000 the size encoding of a
 * 64 KiB NAPOT leaf, not address bits: the frame is PPN[43:4] << 16, and
 * PA = frame | VA[15:0].
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/*
 * VA 0x41a123 on sv39 (Svnapot on in the preset): L1 index 0x1a = 26, the
 * entry at 0x80003000 + 26 x 8 = 0x800030d0, set to N | PPN 0x80418 | A U W R V
 * = 0x8000000020106057.  Its address field is PTE bits 53:14 = 0x8041, PA bits
 * 55:16, so frame 0x80410000 (not PPN << 12 = 0x80418000), and PA 0x8041a123.
 */
Test(cli_napot_explain, address_field_leaves_out_the_size_encoding)
{
	char *trace = write_temp_file("map 0x410000 0x80410000 64K rwu\n"
				      "set-pte 0x41a000 1 0x8000000020106057\n",
				      ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "--setup", trace, "0x41a123", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "      addr   bits 53:14 = 0x8041 -> PA bits 55:16, so 0x80410000\n"
				"      -> a leaf: maps a 64K page at frame 0x80410000\n"
				"PA 0x8041a123 = frame 0x80410000 | offset 0xa123 (VA bits 15:0 in a 64K page)\n") != NULL,
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}
