/* csv_series (tools/cli/csv_series.c): the replay's interval CSV read back for report's charts. */
#include <criterion/criterion.h>

#include "csv_series.h"

Test(csv_series, columns_by_header)
{
	char csv[] = "accesses,l1d_miss_rate,walks,faults\n4,0.500000,2,0\n8,0.250000,1,3\n";
	struct csv_series s;

	cr_assert_eq(csv_series_parse(&s, csv), 0);
	cr_expect_eq(s.nr_cols, 4);
	cr_expect_eq(s.n, 2);
	cr_expect_str_eq(s.names[1], "l1d_miss_rate");
	cr_expect_str_eq(s.names[3], "faults");
	cr_expect_float_eq(s.col[0][1], 8.0, 1e-9);
	cr_expect_float_eq(s.col[1][0], 0.5, 1e-9);
	cr_expect_float_eq(s.col[3][1], 3.0, 1e-9);
	csv_series_free(&s);
}

Test(csv_series, empty_and_header_only)
{
	char empty[] = "", header[] = "accesses,walks,faults\n";
	struct csv_series s;

	cr_expect_eq(csv_series_parse(&s, empty), -1);
	csv_series_free(&s);
	cr_assert_eq(csv_series_parse(&s, header), 0);
	cr_expect_eq(s.n, 0);
	cr_expect_eq(s.nr_cols, 3);
	csv_series_free(&s);
}

/* A TLB name is free text: replay quotes its column when it holds a comma, a quote or a line break. */
Test(csv_series, quoted_header_fields)
{
	char csv[] = "accesses,\"a\"\"b,c\nd_miss_rate\",walks\n4,0.5,2\n";
	struct csv_series s;

	cr_assert_eq(csv_series_parse(&s, csv), 0);
	cr_expect_eq(s.nr_cols, 3);
	cr_expect_eq(s.n, 1);
	cr_expect_str_eq(s.names[0], "accesses");
	cr_expect_str_eq(s.names[1], "a\"b,c\nd_miss_rate");
	cr_expect_str_eq(s.names[2], "walks");
	cr_expect_float_eq(s.col[1][0], 0.5, 1e-9);
	cr_expect_float_eq(s.col[2][0], 2.0, 1e-9);
	csv_series_free(&s);
}
