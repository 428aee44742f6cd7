using Emoty.Domain.Patterns;

namespace Emoty.Domain.Tests.Patterns;

public class ConcentricLayoutTests
{
    [Fact]
    public void concentric_form_of_three_emojis_becomes_a_5x5_grid()
    {
        var (cells, size) = ConcentricLayout.ToGrid(["❤️", "🌸", "🌷"]);

        Assert.Equal(5, size);
        Assert.Equal(25, cells.Count);
        var at = cells.ToDictionary(c => (c.Row, c.Col), c => c.Emoji);
        Assert.Equal(25, at.Count); // every position exactly once
        Assert.Equal("❤️", at[(2, 2)]);
        foreach (var inner in new[] { (1, 1), (1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2), (3, 3) })
        {
            Assert.Equal("🌸", at[inner]);
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("🌷", at[(0, i)]);
            Assert.Equal("🌷", at[(4, i)]);
            Assert.Equal("🌷", at[(i, 0)]);
            Assert.Equal("🌷", at[(i, 4)]);
        }
    }

    [Fact]
    public void cells_come_in_row_major_order()
    {
        var (cells, size) = ConcentricLayout.ToGrid(["❤️", "🌸"]);
        for (var i = 0; i < cells.Count; i++)
        {
            Assert.Equal(new PatternCell(cells[i].Emoji, i / size, i % size), cells[i]);
        }
    }

    [Fact]
    public void one_emoji_is_a_1x1_grid() =>
        Assert.Equal([new PatternCell("🌅", 0, 0)], ConcentricLayout.ToGrid(["🌅"]).Cells);

    [Fact]
    public void ten_emojis_make_a_19x19_grid_with_the_last_on_the_border()
    {
        var emojis = Enumerable.Range(0, 10).Select(i => char.ConvertFromUtf32(0x1F600 + i)).ToArray();
        var (cells, size) = ConcentricLayout.ToGrid(emojis);
        Assert.Equal(19, size);
        Assert.Equal(361, cells.Count);
        Assert.All(cells.Where(c => c.Row is 0 or 18 || c.Col is 0 or 18), c => Assert.Equal(emojis[9], c.Emoji));
        Assert.Equal(emojis[0], cells.Single(c => c is { Row: 9, Col: 9 }).Emoji);
    }

    [Fact]
    public void thirty_two_emojis_fill_a_grid_of_side_63_and_none_is_an_empty_canvas_of_side_1()
    {
        var emojis = Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? "🌅" : "🌊").ToArray();
        var (cells, size) = ConcentricLayout.ToGrid(emojis);
        Assert.Equal(63, size);
        Assert.Equal(63 * 63, cells.Count);

        var (none, emptySize) = ConcentricLayout.ToGrid([]);
        Assert.Empty(none);
        Assert.Equal(1, emptySize);
    }

    [Fact]
    public void more_than_thirty_two_emojis_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => ConcentricLayout.ToGrid(Enumerable.Repeat("🌅", 33).ToArray()));
}
