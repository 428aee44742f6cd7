using System.Globalization;
using System.Text;

namespace Emoty.Admin.Generator;

/// <summary>Names, descriptions, prompts and tags made of the ranked vocabulary.</summary>
internal static class Text
{
    [ThreadStatic]
    private static StringBuilder? builder;

    private static string Word(ref Rng rng) => Vocabulary.Words[rng.Zipfish(Vocabulary.Words.Length)];

    /// <summary>2–4 words in title case ("Blooming Ocean Sunset"); now and then the editor's "Untitled 7".</summary>
    public static string Name(ref Rng rng)
    {
        if (rng.Chance(0.03))
        {
            return "Untitled " + rng.Next(1, 40).ToString(CultureInfo.InvariantCulture);
        }

        var count = rng.Next(100) switch { < 40 => 2, < 80 => 3, _ => 4 };
        var name = builder ??= new StringBuilder(256);
        name.Clear();
        for (var i = 0; i < count; i++)
        {
            var word = Word(ref rng);
            name.Append(i == 0 ? "" : " ").Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
        }

        return name.ToString();
    }

    /// <summary>0–20 words (null for 0, as the editor leaves it), with the small words real sentences have.</summary>
    public static string? Description(ref Rng rng)
    {
        if (rng.Chance(0.35))
        {
            return null;
        }

        var u = rng.NextDouble();
        return Sentence(ref rng, Math.Min(20, 1 + (int)(20 * u * u)));
    }

    public static string Sentence(ref Rng rng, int words)
    {
        var text = builder ??= new StringBuilder(256);
        text.Clear();
        for (var i = 0; i < words; i++)
        {
            var word = i > 0 && rng.Chance(0.25) ? Vocabulary.StopWord(ref rng) : Word(ref rng);
            if (i == 0)
            {
                text.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                text.Append(' ').Append(word);
            }
        }

        return text.Append('.').ToString();
    }

    /// <summary>What a user typed to the AI: "Create a 9x9 pattern of …".</summary>
    public static string Prompt(ref Rng rng, int size)
    {
        var sizeText = size.ToString(CultureInfo.InvariantCulture);
        var opening = rng.Pick(Openings);
        var body = Sentence(ref rng, rng.Next(3, 12));
        return $"{opening} a {sizeText}x{sizeText} pattern of {char.ToLowerInvariant(body[0])}{body[1..]}";
    }

    private static readonly string[] Openings = ["Create", "Make", "Generate", "Design", "Draw me", "I want"];

    /// <summary>1–6 distinct tags, skewed like the words.</summary>
    public static string[] Tags(ref Rng rng)
    {
        var count = rng.Next(100) switch { < 20 => 1, < 45 => 2, < 70 => 3, < 85 => 4, < 95 => 5, _ => 6 };
        var tags = new string[count];
        for (var i = 0; i < count;)
        {
            var tag = Vocabulary.Tags[rng.Zipfish(Vocabulary.Tags.Length)];
            if (Array.IndexOf(tags, tag, 0, i) < 0)
            {
                tags[i++] = tag;
            }
        }

        return tags;
    }
}
