using System.Globalization;
using System.Text;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Tests.Patterns;

public class EmojiTests
{
    [Theory]
    [InlineData("👨‍👩‍👧‍👦")] // ZWJ family
    [InlineData("🏳️‍🌈")] // flag with FE0F and ZWJ
    [InlineData("🏳️‍⚧️")]
    [InlineData("🇫🇷")] // regional indicator pair
    [InlineData("1️⃣")] // keycap with FE0F
    [InlineData("#⃣")] // keycap without FE0F
    [InlineData("*️⃣")]
    [InlineData("👍🏽")] // skin tone
    [InlineData("🧑🏽‍🚀")] // skin tone inside a ZWJ sequence
    [InlineData("❤️")]
    [InlineData("❤")] // text-default pictograph without FE0F
    [InlineData("🌅")]
    [InlineData("©️")]
    [InlineData("🏴󠁧󠁢󠁥󠁮󠁧󠁿")] // England: tag sequence
    public void one_emoji_of_any_kind_is_a_single_emoji(string value) => Assert.True(Emoji.IsSingleEmoji(value));

    [Theory]
    [InlineData("a")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("\0")]
    [InlineData("🌅🌅")] // two clusters
    [InlineData("1")]
    [InlineData("#")]
    [InlineData("é")]
    [InlineData("a\u0301")] // one cluster, but a letter
    [InlineData("❤\u0301")] // a pictograph with a combining accent is not an emoji sequence
    [InlineData("🏽")] // a skin tone on its own
    [InlineData("🇫")] // one regional indicator
    [InlineData("❤\u200D")] // trailing ZWJ
    [InlineData("\uD83C")] // lone surrogate
    [InlineData("🌅 ")]
    [InlineData("1\uFE0F")] // digit with FE0F but no keycap
    public void text_that_is_not_exactly_one_emoji_is_rejected(string value) => Assert.False(Emoji.IsSingleEmoji(value));

    [Fact]
    public void null_is_not_an_emoji() => Assert.False(Emoji.IsSingleEmoji(null));

    [Fact]
    public void a_single_cluster_over_32_utf8_bytes_is_rejected()
    {
        const string family = "👨🏽‍👩🏽‍👧🏽‍👦🏽"; // family with four skin tones: one cluster, 41 bytes
        Assert.Equal(family.Length, StringInfo.GetNextTextElementLength(family));
        Assert.True(Encoding.UTF8.GetByteCount(family) > Emoji.MaxUtf8Bytes);
        Assert.False(Emoji.IsSingleEmoji(family));
    }

    [Fact]
    public void the_32_byte_limit_counts_utf8_bytes_of_the_whole_cluster()
    {
        const string kiss = "🧑🏻‍❤️‍💋‍🧑🏼"; // 4+4+3+3+3+3+4+3+4+4 = 35 bytes: over the limit
        Assert.Equal(35, Encoding.UTF8.GetByteCount(kiss));
        Assert.False(Emoji.IsSingleEmoji(kiss));

        const string couple = "🧑🏻‍🤝‍🧑🏼"; // 4+4+3+4+3+4+4 = 26 bytes
        Assert.True(Encoding.UTF8.GetByteCount(couple) <= Emoji.MaxUtf8Bytes);
        Assert.True(Emoji.IsSingleEmoji(couple));
    }

    [Fact]
    public void the_pictographic_table_is_sorted_and_disjoint()
    {
        var table = Emoji.Pictographic.ToArray();
        Assert.Equal(0, table.Length % 2);
        for (var i = 0; i < table.Length; i += 2)
        {
            Assert.True(table[i] <= table[i + 1]);
            if (i > 0)
            {
                Assert.True(table[i] > table[i - 1] + 1, $"ranges at {i} touch or overlap");
            }
        }
    }

    [Fact]
    public void the_pictographic_table_agrees_with_the_runtimes_grapheme_segmentation()
    {
        // UAX #29 GB11 joins "X ZWJ X" into one cluster exactly when X is Extended_Pictographic,
        // unless X extends the previous character anyway (then "aX" is one cluster too).
        var disagreements = new List<string>();
        for (var cp = 0; cp <= 0x1FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var x = char.ConvertFromUtf32(cp);
            var joined = x + "\u200D" + x;
            var runtime = StringInfo.GetNextTextElementLength(joined) == joined.Length
                && StringInfo.GetNextTextElementLength("a" + x) == 1;
            if (runtime != Emoji.IsPictographic(cp))
            {
                disagreements.Add(cp.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        Assert.Empty(disagreements);
    }
}
