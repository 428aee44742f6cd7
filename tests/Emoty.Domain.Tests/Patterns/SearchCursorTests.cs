using System.Buffers.Binary;
using System.Buffers.Text;
using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Tests.Patterns;

public class SearchCursorTests
{
    private static readonly Guid Id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

    public static TheoryData<PatternSort, object> ValuesBySort => new()
    {
        { PatternSort.CreatedAt, new DateTimeOffset(2026, 11, 25, 9, 51, 51, 123, TimeSpan.Zero).AddTicks(4567) },
        { PatternSort.UpdatedAt, DateTimeOffset.MinValue },
        { PatternSort.LikeCount, long.MaxValue },
        { PatternSort.ViewCount, 0L },
        { PatternSort.DifficultyRating, (short)5 },
        { PatternSort.ComplexityScore, 4.25m },
        { PatternSort.ComplexityScore, -79228162514264337593543950335m },
        { PatternSort.Name, "Sunset Emoji Art 🌅 \"quoted\" ünïcode" },
        { PatternSort.Name, "" },
        { PatternSort.Relevance, (3L << PatternSearchStore.RelevanceClassShift) + 1234 },
        { PatternSort.Relevance, 1L << PatternSearchStore.RelevanceClassShift },
    };

    [Theory]
    [MemberData(nameof(ValuesBySort))]
    public void a_cursor_survives_the_round_trip_with_its_typed_value(PatternSort sort, object value)
    {
        var cursor = SearchCursor.Create(sort, descending: true, value, Id, 0xDEADBEEFCAFEF00D);
        var text = cursor.Encode(TestCursors.Signer);

        Assert.True(SearchCursor.TryDecode(text, TestCursors.Signer, out var back));
        Assert.Equal(cursor, back);
        Assert.Equal(SearchCursor.ValueType(sort), back.LastValue.GetType());
        Assert.Equal(value, back.LastValue);
        Assert.Equal(Id, back.LastId);
        Assert.True(back.Descending);
        Assert.Equal(0xDEADBEEFCAFEF00D, back.FilterFingerprint);
        Assert.Matches("^[A-Za-z0-9_-]+$", text); // URL-safe, no padding
    }

    [Fact]
    public void ascending_is_kept_too()
    {
        var cursor = SearchCursor.Create(PatternSort.Name, descending: false, "a", Id, 1);
        Assert.True(SearchCursor.TryDecode(cursor.Encode(TestCursors.Signer), TestCursors.Signer, out var back));
        Assert.False(back.Descending);
    }

    [Fact]
    public void driver_types_are_normalised_to_the_column_type()
    {
        var local = new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)SearchCursor.Create(PatternSort.CreatedAt, true, local, Id, 0).LastValue).Offset);
        Assert.Equal(local, SearchCursor.Create(PatternSort.CreatedAt, true, local, Id, 0).LastValue);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            SearchCursor.Create(PatternSort.UpdatedAt, true, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Id, 0).LastValue);
        Assert.Equal(7L, SearchCursor.Create(PatternSort.LikeCount, true, 7, Id, 0).LastValue);
        Assert.Equal((short)3, SearchCursor.Create(PatternSort.DifficultyRating, true, 3, Id, 0).LastValue);
    }

    [Theory]
    [InlineData(PatternSort.CreatedAt, "2026-11-25")]
    [InlineData(PatternSort.LikeCount, 1.5)]
    [InlineData(PatternSort.Name, 42)]
    [InlineData(PatternSort.DifficultyRating, 100000)]
    [InlineData(PatternSort.Relevance, 0.5f)]
    [InlineData(PatternSort.Relevance, 42L)]
    [InlineData(PatternSort.Relevance, -1L)]
    public void a_value_of_the_wrong_type_for_the_sort_is_a_programming_error(PatternSort sort, object value) =>
        Assert.Throws<ArgumentException>(() => SearchCursor.Create(sort, true, value, Id, 0));

    [Fact]
    public void a_local_datetime_is_refused_because_its_instant_is_ambiguous() =>
        Assert.Throws<ArgumentException>(() => SearchCursor.Create(PatternSort.CreatedAt, true, new DateTime(2026, 1, 1), Id, 0));

    [Fact]
    public void any_single_character_change_is_detected()
    {
        var text = SearchCursor.Create(PatternSort.ComplexityScore, true, 4.25m, Id, 99).Encode(TestCursors.Signer);
        SearchCursor.TryDecode(text, TestCursors.Signer, out var original);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var replacement in alphabet.Where(c => c != text[i]).Take(8))
            {
                var tampered = string.Concat(text.AsSpan(0, i), replacement.ToString(), text.AsSpan(i + 1));
                // The last character may carry unused bits; a change there that decodes to the same bytes is the same cursor.
                if (SearchCursor.TryDecode(tampered, TestCursors.Signer, out var decoded))
                {
                    Assert.Equal(original, decoded);
                }
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("!!!!")]
    [InlineData("null")]
    [InlineData("eyJzb3J0IjoibmFtZSJ9")] // base64 of some JSON
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("====")]
    [InlineData("ÿÿÿÿ")]
    public void garbage_never_decodes_and_never_throws(string? text) =>
        Assert.False(SearchCursor.TryDecode(text, TestCursors.Signer, out _));

    [Fact]
    public void random_text_and_random_bytes_never_throw()
    {
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            Assert.False(SearchCursor.TryDecode(Base64Url.EncodeToString(bytes), TestCursors.Signer, out _));
            var chars = new char[random.Next(0, 60)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x3000);
            }

            SearchCursor.TryDecode(new string(chars), TestCursors.Signer, out _);
        }
    }

    [Fact]
    public void an_over_long_cursor_is_refused_without_decoding() =>
        Assert.False(SearchCursor.TryDecode(new string('A', 20_000), TestCursors.Signer, out _));

    [Fact]
    public void a_cursor_sealed_with_another_key_altered_or_of_another_kind_is_refused()
    {
        var cursor = SearchCursor.Create(PatternSort.LikeCount, true, 42L, Guid.NewGuid(), 7);
        var text = cursor.Encode(TestCursors.Signer);
        Assert.True(SearchCursor.TryDecode(text, TestCursors.Signer, out _));

        var otherKey = CursorSigner.FromSetting("another-key-that-is-long-enough-0123456789");
        Assert.False(SearchCursor.TryDecode(cursor.Encode(otherKey), TestCursors.Signer, out _));

        var bytes = Base64Url.DecodeFromChars(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.False(SearchCursor.TryDecode(Base64Url.EncodeToString(altered), TestCursors.Signer, out _), $"byte {i} altered");
        }

        var payload = bytes[1..^16];
        Assert.False(SearchCursor.TryDecode(TestCursors.Signer.Seal(CursorKind.Page, payload), TestCursors.Signer, out _));
    }

    // Sealed with the right key around contents the decoder must still refuse.
    [Theory]
    [InlineData(99, 0, new byte[] { 0, 0 })] // unknown sort
    [InlineData(1, 2, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 })] // unknown flag bit
    [InlineData(1, 0, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // negative ticks
    [InlineData(1, 0, new byte[] { 0, 0, 0 })] // wrong value length
    [InlineData(7, 0, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1D, 0 })] // decimal scale 29
    [InlineData(7, 0, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 })] // decimal stray flag bits
    [InlineData(0, 0, new byte[] { 0, 0, 0xC0, 0x7F })] // NaN rank
    [InlineData(5, 0, new byte[] { 0xC3, 0x28 })] // invalid UTF-8 name
    [InlineData(5, 0, new byte[] { 0x61, 0x00, 0x62 })] // a name holding NUL
    public void intact_but_impossible_contents_are_refused(byte sort, byte flags, byte[] value)
    {
        // Payload: sort, flags, fingerprint (8), id (16), value.
        var bytes = new byte[26 + value.Length];
        bytes[0] = sort;
        bytes[1] = flags;
        value.CopyTo(bytes, 26);

        Assert.False(SearchCursor.TryDecode(TestCursors.Signer.Seal(CursorKind.Search, bytes), TestCursors.Signer, out _));
    }

    [Fact]
    public void the_test_layout_matches_the_real_encoding()
    {
        // Guards the test above: the same construction with valid contents decodes.
        var bytes = new byte[26 + 8];
        bytes[0] = (byte)PatternSort.LikeCount;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(26), 42);

        Assert.True(SearchCursor.TryDecode(TestCursors.Signer.Seal(CursorKind.Search, bytes), TestCursors.Signer, out var cursor));
        Assert.Equal(42L, cursor.LastValue);
    }

    [Fact]
    public void value_types_follow_the_columns()
    {
        Assert.Equal(typeof(DateTimeOffset), SearchCursor.ValueType(PatternSort.CreatedAt));
        Assert.Equal(typeof(DateTimeOffset), SearchCursor.ValueType(PatternSort.UpdatedAt));
        Assert.Equal(typeof(long), SearchCursor.ValueType(PatternSort.LikeCount));
        Assert.Equal(typeof(long), SearchCursor.ValueType(PatternSort.ViewCount));
        Assert.Equal(typeof(short), SearchCursor.ValueType(PatternSort.DifficultyRating));
        Assert.Equal(typeof(decimal), SearchCursor.ValueType(PatternSort.ComplexityScore));
        Assert.Equal(typeof(string), SearchCursor.ValueType(PatternSort.Name));
        Assert.Equal(typeof(long), SearchCursor.ValueType(PatternSort.Relevance));
    }
}
