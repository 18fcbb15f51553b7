/* output: the public face of sim/output_file — files that appear whole or not at all. */
#include "api.h"

#include "formats/output_file.h"

/* The public handle is the internal object itself (cast both ways): nothing to add or convert. */
int mmusim_output_open(const char *path, mmusim_output **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct output_file *o;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, path);
	if (output_file_open(path, &o, &e))
		return api_error(err, &e);
	*out = (mmusim_output *)o;
	return MMUSIM_OK;
}

FILE *mmusim_output_stream(mmusim_output *o)
{
	return output_file_stream((struct output_file *)o);
}

int mmusim_output_fd(const mmusim_output *o)
{
	return output_file_fd((const struct output_file *)o);
}

int mmusim_output_commit(mmusim_output *o, mmusim_error *err)
{
	struct mm_error e = { 0 };

	if (!o)
		return MMUSIM_OK;
	if (output_file_commit((struct output_file *)o, &e))
		return api_error(err, &e);
	return MMUSIM_OK;
}

void mmusim_output_abort(mmusim_output *o)
{
	output_file_abort((struct output_file *)o);
}
