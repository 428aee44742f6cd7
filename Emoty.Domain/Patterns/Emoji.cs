using System.Globalization;
using System.Text;

namespace Emoty.Domain.Patterns;

public static class Emoji
{
    public const int MaxUtf8Bytes = 32;

    private const int Zwj = 0x200D;
    private const int VariationSelector16 = 0xFE0F;
    private const int CombiningKeycap = 0x20E3;

    /// <summary>
    /// Extended_Pictographic (emoji-data.txt) as sorted inclusive ranges. A test checks it against the runtime's grapheme
    /// segmentation (UAX #29 rule GB11), so "one cluster" and "is an emoji" never disagree.
    /// </summary>
    internal static ReadOnlySpan<int> Pictographic =>
    [
        0x00A9, 0x00A9, 0x00AE, 0x00AE, 0x203C, 0x203C, 0x2049, 0x2049, 0x2122, 0x2122, 0x2139, 0x2139,
        0x2194, 0x2199, 0x21A9, 0x21AA, 0x231A, 0x231B, 0x2328, 0x2328, 0x2388, 0x2388, 0x23CF, 0x23CF,
        0x23E9, 0x23F3, 0x23F8, 0x23FA, 0x24C2, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25B6, 0x25C0, 0x25C0,
        0x25FB, 0x25FE, 0x2600, 0x2605, 0x2607, 0x2612, 0x2614, 0x2685, 0x2690, 0x2705, 0x2708, 0x2712,
        0x2714, 0x2714, 0x2716, 0x2716, 0x271D, 0x271D, 0x2721, 0x2721, 0x2728, 0x2728, 0x2733, 0x2734,
        0x2744, 0x2744, 0x2747, 0x2747, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757,
        0x2763, 0x2767, 0x2795, 0x2797, 0x27A1, 0x27A1, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2934, 0x2935,
        0x2B05, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x3030, 0x3030, 0x303D, 0x303D,
        0x3297, 0x3297, 0x3299, 0x3299, 0x1F000, 0x1F0FF, 0x1F10D, 0x1F10F, 0x1F12F, 0x1F12F,
        0x1F16C, 0x1F171, 0x1F17E, 0x1F17F, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F1AD, 0x1F1E5,
        0x1F201, 0x1F20F, 0x1F21A, 0x1F21A, 0x1F22F, 0x1F22F, 0x1F232, 0x1F23A, 0x1F23C, 0x1F23F,
        0x1F249, 0x1F3FA, 0x1F400, 0x1F53D, 0x1F546, 0x1F64F, 0x1F680, 0x1F6FF, 0x1F774, 0x1F77F,
        0x1F7D5, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848, 0x1F84F, 0x1F85A, 0x1F85F, 0x1F888, 0x1F88F,
        0x1F8AE, 0x1F8FF, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1FAFF, 0x1FC00, 0x1FFFD,
    ];

    /// <summary>One grapheme cluster that is a pictograph sequence, a flag or a keycap; letters, lone digits and lone modifiers are not emoji.</summary>
    public static bool IsSingleEmoji(string? value)
    {
        // UTF-8 never needs fewer bytes than UTF-16 has code units, so this rejects long input cheaply.
        if (string.IsNullOrEmpty(value) || value.Length > MaxUtf8Bytes)
        {
            return false;
        }

        if (StringInfo.GetNextTextElementLength(value) != value.Length)
        {
            return false;
        }

        Span<int> runes = stackalloc int[MaxUtf8Bytes];
        var count = 0;
        var bytes = 0;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false; // a lone surrogate is not text at all
            }

            bytes += rune.Utf8SequenceLength;
            if (bytes > MaxUtf8Bytes)
            {
                return false;
            }

            runes[count++] = rune.Value;
            rest = rest[used..];
        }

        return IsKeycap(runes[..count]) || IsFlag(runes[..count]) || IsPictographicSequence(runes[..count]);
    }

    internal static bool IsPictographic(int codePoint)
    {
        var table = Pictographic;
        int lo = 0, hi = table.Length / 2 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (codePoint < table[2 * mid])
            {
                hi = mid - 1;
            }
            else if (codePoint > table[2 * mid + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsKeycap(ReadOnlySpan<int> runes) => runes switch
    {
        [var key, CombiningKeycap] => IsKeycapBase(key),
        [var key, VariationSelector16, CombiningKeycap] => IsKeycapBase(key),
        _ => false,
    };

    private static bool IsKeycapBase(int c) => c is (>= '0' and <= '9') or '#' or '*';

    private static bool IsFlag(ReadOnlySpan<int> runes) =>
        runes is [var a, var b] && IsRegionalIndicator(a) && IsRegionalIndicator(b);

    private static bool IsRegionalIndicator(int c) => c is >= 0x1F1E6 and <= 0x1F1FF;

    private static bool IsSkinTone(int c) => c is >= 0x1F3FB and <= 0x1F3FF;

    private static bool IsTag(int c) => c is >= 0xE0020 and <= 0xE007F;

    /// <summary>
    /// pictograph (FE0F | skin tone | tag)* (ZWJ pictograph (FE0F | skin tone | tag)*)*: the shape of every RGI emoji but flags
    /// and keycaps, without pinning the RGI list (new emoji arrive every year, and the client's renderer decides how they look).
    /// </summary>
    private static bool IsPictographicSequence(ReadOnlySpan<int> runes)
    {
        var expectPictograph = true;
        foreach (var c in runes)
        {
            if (expectPictograph)
            {
                if (!IsPictographic(c))
                {
                    return false;
                }

                expectPictograph = false;
            }
            else if (c == Zwj)
            {
                expectPictograph = true;
            }
            else if (c != VariationSelector16 && !IsSkinTone(c) && !IsTag(c))
            {
                return false;
            }
        }

        return !expectPictograph; // empty, or a trailing ZWJ
    }
}
