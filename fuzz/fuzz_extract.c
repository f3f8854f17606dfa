/* libFuzzer target: every source's extract() (both paths, under verify) and
 * discover(). The first byte picks the page kind (URL, method, status,
 * content type); the rest is the body. A disagreement between the fast and
 * DOM paths is reported by gr_source_extract, not a crash; only crashes,
 * leaks and undefined behaviour are findings here. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gr_rows.h"
#include "gr_source.h"

static const struct {
    const char *url, *method, *ctype;
    int status;
} kinds[] = {
    { "http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=2671068104&idx=2&sn=abc", "GET", "text/html; charset=utf-8", 200 },
    { "http://mp.weixin.qq.com/s/vikH4CYh0Ao7gb2Z-59zIQ", "GET", "text/html", 200 },
    { "http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=1&idx=1&sn=x", "GET", "text/html; charset=gbk", 200 },
    { "http://mp.weixin.qq.com/mp/getappmsgext", "POST", "application/json", 200 },
    { "http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA4ODUzNjAxOA==&scene=124", "GET", "text/html", 200 },
    { "http://mp.weixin.qq.com/mp/profile_ext?action=getmsg&__biz=MzA4ODUzNjAxOA==&f=json&offset=10", "GET", "application/json", 200 },
    { "http://open.t.qq.com/api/user/other_info?format=json&name=x", "GET", "application/json", 200 },
    { "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=x&pageflag=0&pagetime=0", "GET", "application/json", 200 },
    { "http://zhushou.360.cn/detail/index/soft_id/1000001", "GET", "text/html", 200 },
    { "http://apk.91.com/Soft/Android/com.x.y-12.html", "GET", "text/html", 200 },
    { "http://sj.qq.com/myapp/detail.htm?apkName=com.x.y", "GET", "text/html", 200 },
    { "http://shouji.baidu.com/software/7000001.html", "GET", "text/html", 200 },
    { "http://www.wandoujia.com/apps/com.x.y", "GET", "text/html", 200 },
    { "http://itunes.apple.com/lookup?id=400000001&country=cn", "GET", "text/javascript", 200 },
    { "http://zhushou.360.cn/detail/index/soft_id/1000001", "GET", "text/html", 404 },
    { "http://weixin.sogou.com/weixin?type=1&query=%E5%85%AC%E5%AE%89&page=1", "GET", "text/html; charset=utf-8", 200 },
    { "http://weixin.sogou.com/antispider/?from=%2Fweixin", "GET", "text/html", 200 },
    { "http://mp.weixin.qq.com/profile?src=3&timestamp=1412150400&ver=1&signature=5bd1e9d5ffb1d37e44e72d5b7e", "GET", "text/html", 200 },
    { "http://mp.weixin.qq.com/s?timestamp=1412150400&src=3&ver=1&signature=5bd1e9d500f25eb4c1bb92677f", "GET", "text/html", 200 },
    { "http://example.com/", "GET", NULL, 200 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gr_page pg;
    struct gr_rows rows;
    struct gr_extract_result res;
    struct gr_links links;
    size_t k;
    char *body;

    if (size < 1)
        return 0;
    k = data[0] % (sizeof kinds / sizeof kinds[0]);
    body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    memset(&pg, 0, sizeof pg);
    pg.url = kinds[k].url;
    pg.method = kinds[k].method;
    pg.request_body = "__biz=MzA4ODUzNjAxOA==&mid=2671068104&idx=2&sn=abc";
    pg.request_len = strlen(pg.request_body);
    pg.status = kinds[k].status;
    pg.content_type = kinds[k].ctype;
    pg.body = body;
    pg.len = size - 1;
    pg.warc_file = "fuzz.warc.gz";
    gr_rows_init(&rows, 64u << 20);
    gr_source_extract(&pg, GR_EXTRACT_VERIFY, &rows, &res);
    gr_rows_free(&rows);
    gr_links_init(&links);
    gr_source_discover(&pg, &links);
    gr_links_free(&links);
    free(body);
    return 0;
}
