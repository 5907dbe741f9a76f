import HTTPWire

/// The images `/image/...` serves: small, real, decodable pictures of a bun, embedded so the
/// server needs no files at run time. Made once with Pillow (64×64); kept as base64 text because
/// a byte-array literal this long slows the type checker badly.
enum ImageAssets {
    /// PNG, 734 bytes.
    static let png: [UInt8] = decode([
        "iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAACpUlEQVR42u2ZOW8TQRTH30RU/hDU7iERQlaUCyoXnI5RJBSRS5Yg",
        "h52PEceOiRRhDiEaJO5iK+5ihe1NopzAghCJQ5QA6V3QLMUKx4qY2XmzR7zwRlu4mDfz++//zXrfW/ZrrwxhHkcsgJALsBg5QA6Q",
        "A+QAOUAOkAPkADng1Zi6cko8YfLOCw+3Y3vbS+5XyTZAx2NR8WRNN+u/M67FsJ/flpWDpwd6JKEdxaRvv1QU8ENJQG6gxw03T8kE",
        "Xgb7vrWCjckPdnuIfkDG+K1XOAG7GAEzg92oG9+WuQsARrYfa8WYtAy2U12VnFoY6kLdeJveHigNtozRm69lZrZYADIXlr4RGktv",
        "m1wY6pIBY9uba47LzQ538ugVkkQ+VtPNq8U3bh1wpD+QLdgEE8TGY9HZ4U4xXotlMfHlU5LIx4rxWHVjXRA8N9Lh0xMTdaBTN97y",
        "U4gvrhno7USaG+ngQQb9Nqp86C0FB5QReefSzaHnQXKfQsVUu0L+iBGVD308Fi2m2v/K6XE9YGT7xUmi9o9RNyGIiswNosIxCFNN",
        "HJADPgpQcODB861mQE+cPvrPOsA+fPrMC7h37WStFmkG9Eikdvn6u3D3hazA+kJBPoIc6oG+QqlJ6PsKJR5kOBwQQLKVj1/EwffH",
        "ThziS7Wmm5dmysKS0qkiS+Yrjc3AgOmT+YoYT6or0XsYGjTd7M1XHNmcHbCvRM4IUoOmm4mcIQPGFt9/lV/34UQbeNoS5XXmLuYM",
        "2c7cwvoGdo9H6Vb/eqMXpudRIWweLwAAHqdbwYfu9HkkPQAwY21TedcnmeP1ks8NNwCcyy6orcAqLgTUx9M/SgD5heasKve+gPJq",
        "1ds8fjZ5TDzhzNSih9uxktcCAh70nZgcIAfIAXKAHCAHyIH/2YHfWHRhV/+UEu4AAAAASUVORK5CYII=",
    ])

    /// JPEG, 1676 bytes.
    static let jpeg: [UInt8] = decode([
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYn",
        "KSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo",
        "KCgoKCgoKCj/wAARCABAAEADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF",
        "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW",
        "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi",
        "4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC",
        "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm",
        "Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq",
        "8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD6N3Ubqh3Ubq83kOnmJt1G6q008cEMk08iRxRqXd3ICqoGSST0FYNz428PwSBf7RWfIzut",
        "Y3uFHsWjVgD7Zz09amSjHdlRUpbK50+6jdXLQeOPD80qp9vMWf47i3lhQfV3UKPxPtW7Z3lve2yXFnPFcW752yxOHVsHBwRweQRR",
        "FRl8LuElKPxKxc3Ubqh3UbqrkJ5iLdXP+K/EsejQiG3CS6jKuY4z91B03vjtwcDqxGBgAldrdXjNxfvqt1NqMru/2hi0e/qsWSY0",
        "x0GFI4HfJ5JJM42t7CGm7NcHRVaeuyLv2HU/E93NdSRSahPADKeMpD7RqThegwB8x287iCar6cltJfQJfyyRWpcCR413Mo9h/wDr",
        "+h6VHDPNB5nkSyR+YhjfYxG5T1U46j2q79gt/wCw/t39oQfafN8v7Jg78ev+ePfPFeG25vm3fW57VlBcuy6WK2opbR306WEsktqH",
        "IjeRdrMPcf8A6voOlSXWl3+h3cN08U+n3cyB0mjO1mAxw2OuMDKNkdMipdHi0yX7V/atzPBtiJh8qPdufsD/AIcZ9R3pTTzT+X58",
        "sknloI03sTtUdFGeg9qV+X3lv5Dtf3enmeg+EvFZ1N/sepiKLUDkxmMFY5h1woJJDAdVycgZHcL1W6vDmeeLE1lJ5V3Fl4ZP7j4O",
        "D9OcEdCCQcgkV7Fpt9HqGnWt7CHWK5iSZA4wwDAEZx35r28DXdeLUt0eNjaCoyTjsx+6vmbX9Q1TRNYutLSdo0s28hd0SgsFAAfB",
        "GcMPmHXg9TX0purkPGXhK11WRtRtrS3k1AKA6ui/v1HQZPRh2PQ9Dxgr24zDe0jzJXaMMHiFTnZuyZ4V/wAJJq3/AD9/+Q0/wo/4",
        "STVv+fv/AMhp/hXcnTLFJ5YJdPto7iI4kiaJdyH3H8j0I5GRS/2ZYf8APja/9+V/wrwHWpxdnA91Qk1dSOF/4STVv+fv/wAhp/hR",
        "/wAJJq3/AD9/+Q0/wruv7MsP+fG1/wC/K/4U2TT9Nj2hrK13OwVFEKksx6KBjJJ9BzSVam9oBySXU42y8QavLeQRrI1wXkVRCka5",
        "kyfujAzk9OK+l9HtP7O0ixsfM8z7NAkO/bjdtUDOO3SuL8JeDLe3uo9R1LT7eCeJswQBEJRh/GxXIJ9ACQOvXG3u91e9gsM4R53G",
        "zfQ8TG4hVJKMXdIh3Ubqh3Ubq9nkPL5iDUtNsdTRVv7WGfaCEZ1G5M9SrdVPA5BB4FYk/gzT2cG2ur+1THKJKJAT65kDH9ccdOtd",
        "Fuo3VjUwlKr8cUzSGIqU/gk0c3F4LslkBnvdQnj7xtIiBvxRVYfgR+VbOmaPp2mHdY2kUcu0qZiN0jAnOC5yxHA6nsPSre6jdRTw",
        "lKlrCKQ54mpU0lJsm3Ubqh3Ubq25DLmP/9k=",
    ])

    /// WEBP, 742 bytes.
    static let webp: [UInt8] = decode([
        "UklGRt4CAABXRUJQVlA4INICAABwDwCdASpAAEAAPmkskUWkIqGYDAZ8QAaEtABVR8AkrLYGegA20vmA8+D0cf8e+cV+CtB0Ku6b",
        "ZAck8vf9g/N986ewF+p/ozes30Of1JUGiTJRs6oV9EROynRs9duTblMPSDpoLAFjtNDlLB/fImX9DKHib4Eb9GkzjO0Yzjh0//9d",
        "6AAA/v6rZUdN/G+DX/GVIE4siOIUL14Urm31IhbpfS/B2hzQoc51pMiOlAq5PBhgf+b9/CE+43s3VuHosRwh/learqRIWetDg9uX",
        "tNWb7GCdwushJmSU5m6Ly3Le8NGAimeaH2et39Dcxou/mQMaO0RnkcAkHljZlOCrYX1ZDbn9L4Z3lljnNfEkF+ImkC2f4K56L8Ya",
        "2XHbqy/dPjQSA80a/vZfgGJEDyfkDXGk9y74Org94GqjTPMs2KL27UwAkINsmmKsRnrrefpTN4Pww3/Pn/em/sbtf3NgtSGrV0mA",
        "ul2k14D5WTpj8vlZc/FNuk12rlZh8xUmkCeB8TWH97lyXYeBfal3zo7MynlCXN3CNKlQXuPHB6/kD/9Pq2+TapOoYMr6vErS4Wx9",
        "Lr6k2S51x1h7fyskJ6f4BjTNA/HuMF6uyQ4ijFznWzEjfnQ1q+UPCmdA5poxtSuR1SI1TJnfRD5S2EuKks8aJkMOuO+l8NW1be0e",
        "/kxZ5KPGR5elUVSFMLuecETapoVPWiW0Wt8+qSXsO7mqdjDwp8zfCkI6zXnpZVLpvfIVPdBR1lZYVH0qm7jW+TzkqEgJKU/YGwNo",
        "Y/bnk+SdGxstKqB/+rWrPHtjRy9QaS6NHqQzZcaD1HhAb3S/CvN83mMT88hN5KwatIqun6d7D6R/EUZ1UuJOd9BQpxNWkQAL8hV7",
        "7hpq+FzRq3fSZQu8nWuUrKAkVwznWd/B+GqrVkgM8oczsXxilEUf2/Peuc1nSPLUd2ENBEbEL7IGv39I/gDiai82AA==",
    ])

    /// SVG, written by hand: text, so it is kept as it is.
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
          <title>A bun</title>
          <defs>
            <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0" stop-color="#fae8c8"/>
              <stop offset="1" stop-color="#bbd8e8"/>
            </linearGradient>
          </defs>
          <rect width="64" height="64" fill="url(#sky)"/>
          <ellipse cx="32" cy="32" rx="24" ry="18" fill="#c4823c" stroke="#784614"/>
          <rect x="10" y="34" width="44" height="6" fill="#6e3c1e"/>
          <g fill="#faf5dc">
            <ellipse cx="21" cy="23" rx="2" ry="1"/>
            <ellipse cx="31" cy="20" rx="2" ry="1"/>
            <ellipse cx="41" cy="23" rx="2" ry="1"/>
            <ellipse cx="27" cy="29" rx="2" ry="1"/>
            <ellipse cx="37" cy="28" rx="2" ry="1"/>
          </g>
        </svg>
        """

    /// The literals above are checked by the tests, so a failure here is a broken build, not input.
    private static func decode(_ lines: [String]) -> [UInt8] {
        guard let bytes = Base64.decode(lines.joined()) else { preconditionFailure("embedded image is not valid base64") }
        return bytes
    }
}
