/* libFuzzer target: the count normaliser. Any bytes: no crash, no read past
 * the input, and a result that is a count or "missing". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gr_count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gr_count c;
    /* an exact-size copy, so ASan sees any read past the end */
    char *p = malloc(size ? size : 1);
    if (!p)
        return 0;
    for (size_t i = 0; i < size; i++)
        p[i] = (char)data[i];
    if (gr_count_parse(p, size, &c) == GR_OK) {
        if (c.value < 0 || c.raw_off > size || c.raw_len > size - c.raw_off)
            abort();
    }
    free(p);
    return 0;
}
