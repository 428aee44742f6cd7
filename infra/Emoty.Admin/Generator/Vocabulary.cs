namespace Emoty.Admin.Generator;

/// <summary>
/// The words of names, descriptions and prompts, and the tags, each ranked from most to least used
/// (callers draw ranks with <see cref="Rng.Zipfish"/>). Real English stems come with their inflected
/// forms (sunset/sunsets, bloom/blooms/blooming/bloomed, calm/calmly/calmness), so that PostgreSQL's
/// English stemming has work to do; invented words fill the long tail, as user-made names do.
/// The lists are fixed in code (not drawn from the seed), so a word such as "blooming" exists in
/// every data set.
/// </summary>
public static class Vocabulary
{
    // Nouns: the plural is added.
    private const string Nouns = """
        sunset sunrise garden ocean forest mountain river lake meadow valley island beach desert canyon cloud
        star moon planet galaxy comet rainbow flower rose tulip daisy lily orchid petal blossom tree branch root
        seed fruit apple cherry lemon orange peach berry grape melon banana mango pear plum strawberry pineapple
        coconut cake cookie candy donut cupcake pie pizza taco burger sandwich noodle dumpling coffee tea juice
        heart face eye hand friend family baby girl boy mother father sister brother home house castle tower
        bridge city street road village window door lantern candle lamp fire flame spark ember crystal gem
        jewel diamond pearl shell tide thunder snowflake drop puddle cat dog puppy kitten bunny rabbit fox bear
        panda tiger lion monkey unicorn dragon dinosaur whale dolphin octopus turtle frog bird owl eagle parrot
        penguin duck chicken bee ladybug spider snail mushroom cactus pumpkin ghost witch skull bat zombie robot
        alien rocket astronaut spaceship car train plane boat ship bike balloon present birthday wedding holiday
        festival parade carnival circus song guitar piano trumpet violin note ball game puzzle toy doll kite flag
        crown necklace hat shoe dress shirt umbrella book letter map clock phone camera computer pixel tile mosaic
        pattern spiral circle triangle shape line stripe dot grid wheel maze stair portrait landscape sticker
        badge emoji symbol sign arrow moonbeam sunbeam horizon dusk dawn twilight midnight morning evening night
        day week season spring summer autumn winter breeze wind fog mist frost glacier cave rock stone pebble
        dune shore harbor lighthouse anchor compass treasure pirate knight princess queen king fairy angel wizard
        spell potion charm clover wish memory story tale legend hero monster color jungle waterfall pond swan
        peacock flamingo koala hedgehog squirrel deer horse pony cow pig sheep goat mouse hamster lizard snake
        shark jellyfish coral seashell starfish crab lobster feather nest egg honey bread cheese salad soup
        icecream lollipop pancake waffle popcorn pretzel bagel muffin cherry blossom bouquet wreath vine ivy fern
        moss bamboo lotus sunflower dandelion poppy violet lavender jasmine cloudburst bonfire campfire firework
        sparkler confetti ribbon bow gift card invitation calendar planet rocketship satellite nebula universe
        """;

    // Verbs (and nouns that are also verbs): -s, -ing and -ed are added.
    private const string Verbs = """
        bloom wave glow sparkle dance dream float jump play laugh smile paint color sketch stitch knit fold twist
        swirl shimmer glitter twinkle flicker blaze burn melt fade drift flow splash ripple rain snow storm bake
        cook taste love hug kiss wander explore travel hike climb sail surf skate race chase hunt rest whisper
        roar buzz bounce roll tumble crash crack pop burst bubble glide soar hover wink blink stare gaze watch
        listen hum drum celebrate cheer party decorate wrap gift rock shine light pick plant water garden camp
        fish cross mix match stack spark flash dot stripe frame tile trace doodle scribble craft design dazzle
        """;

    // Adjectives with -ly, -ness and (when short) -er/-est.
    private const string Adjectives = """
        bright soft calm dark happy sad cute sweet wild quiet gentle bold warm cool cold fresh cozy fluffy tiny
        huge lucky sunny rainy stormy snowy cloudy starry dreamy spooky funny silly crazy lazy busy vivid pale
        deep clear pure rich smooth rough sharp simple fancy lonely peaceful joyful playful colorful beautiful
        wonderful graceful fierce brave kind proud light sleepy shiny sparkly glossy misty frosty breezy merry
        jolly sparkling tender lovely
        """;

    // Adjectives that take no ending (colours, styles).
    private const string PlainAdjectives = """
        red yellow green blue purple pink indigo teal turquoise crimson scarlet amber ivory black white gray grey
        brown beige lilac mint olive navy maroon magenta cyan gold silver bronze cream rust ruby emerald sapphire
        jade golden pastel neon retro vintage modern classic minimal abstract cosmic tropical floral festive
        royal ancient secret hidden magical mystic geometric symmetric rainbow electric digital tiny
        """;

    // Irregular stems, all forms spelt out.
    private const string Irregular = """
        leaf leaves|child children|wolf wolves|knife knives|fish fishes|sky skies|butterfly butterflies
        fly flies flying flew flown|swim swims swimming swam|sing sings singing sang sung|fall falls falling fell fallen
        freeze freezes freezing froze frozen|draw draws drawing drew drawn|grow grows growing grew grown
        shine shines shining shone|run runs running ran|spin spins spinning spun|ride rides riding rode ridden
        rise rises rising rose risen|hide hides hiding hid hidden|seek seeks seeking sought|sleep sleeps sleeping slept
        wake wakes waking woke woken|weave weaves weaving wove woven|echo echoes echoing echoed|glass glasses
        mango mangoes|volcano volcanoes|tomato tomatoes|potato potatoes|hero heroes|goose geese|mouse mice
        """;

    private static readonly string[] StopWords = ["the", "a", "an", "of", "with", "and", "in", "on", "for", "to", "my", "this", "from", "under", "over", "at", "by", "into", "is", "so"];

    /// <summary>Name and description words, most used first (at least 2,000).</summary>
    public static readonly string[] Words = BuildWords();

    /// <summary>Tags, most used first (at least 1,000), each valid for the schema: lower-case, trimmed, 1–32 characters, no comma.</summary>
    public static readonly string[] Tags = BuildTags();

    public static readonly string[] FirstNames = Split("""
        emma olivia ava sophia mia amelia harper evelyn abigail ella chloe lucy zoe nora lily hannah aria layla
        liam noah oliver elijah james william benjamin lucas henry theo jack leo owen sam ethan mateo hugo luca
        yuki hana sora ren aiko kenji mei wei jun min ji-woo amara zara kofi ade ines lea jonas elias lars freya
        priya arjun ravi anika diego sofia lucia pablo marta nina ivan olga milan
        """);

    public static readonly string[] LastNames = Split("""
        smith johnson brown garcia miller davis martinez lopez wilson anderson thomas taylor moore martin lee
        perez thompson white harris clark lewis robinson walker young allen king wright scott hill green adams
        nelson baker hall rivera campbell mitchell carter roberts tanaka suzuki sato kim park chen wang li zhang
        nguyen singh patel kumar okafor mensah silva santos rossi bianchi muller schmidt novak kowalski dubois
        moreau jensen larsen ivanova petrov cohen levi murphy kelly byrne
        """);

    internal static string StopWord(ref Rng rng) => StopWords[rng.Next(StopWords.Length)];

    private static string[] Split(string text) => text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    private static string[] BuildWords()
    {
        var bases = new List<string>();
        var inflected = new List<string>();
        foreach (var noun in Split(Nouns))
        {
            bases.Add(noun);
            inflected.Add(Plural(noun));
        }

        foreach (var verb in Split(Verbs))
        {
            bases.Add(verb);
            inflected.AddRange([Plural(verb), Ing(verb), Ed(verb)]);
        }

        foreach (var adjective in Split(Adjectives))
        {
            bases.Add(adjective);
            inflected.AddRange([Ly(adjective), Ness(adjective)]);
            if (Syllables(adjective) == 1 || (Syllables(adjective) == 2 && adjective.EndsWith('y')))
            {
                inflected.AddRange([Comparative(adjective, "er"), Comparative(adjective, "est")]);
            }
        }

        bases.AddRange(Split(PlainAdjectives));
        foreach (var forms in Irregular.Split('|'))
        {
            var all = Split(forms);
            bases.Add(all[0]);
            inflected.AddRange(all.Skip(1));
        }

        // The words of emoji art everyone uses first, then the other stems, then their inflections;
        // invented words least of all.
        var popular = Split("""
            heart love sunset flower star rainbow ocean garden night moon sky dream spring summer magic cute happy
            pixel rose butterfly cat forest winter autumn sweet fire snow beach party blue pink golden little
            stars hearts flowers dreams waves colors
            """);
        var real = new HashSet<string>(StringComparer.Ordinal);
        var ranked = new List<string>();
        foreach (var word in popular.Concat(Shuffled(bases, 1)).Concat(Shuffled(inflected, 2)))
        {
            if (real.Add(word))
            {
                ranked.Add(word);
            }
        }

        ranked.AddRange(Invented(2200 - ranked.Count, real, 3));
        if (ranked.Count < 2000)
        {
            throw new InvalidOperationException("The generator's vocabulary is too small.");
        }

        return [.. ranked];
    }

    private static string[] BuildTags()
    {
        // The tags everyone uses, in about the order they are used.
        var popular = Split("""
            art pixel-art emoji-art cute nature flowers love colorful minimal abstract geometric kawaii retro 8bit
            animals food space ocean sunset spring summer autumn winter christmas halloween easter valentines
            birthday pride rainbow mandala symmetry stripes checkerboard gradient pastel neon dark bright kids fun
            happy holiday party sky stars night hearts fruit sweets garden forest beach travel sports music games
            cats dogs birds flags portrait landscape challenge daily wip remix tutorial beginner advanced gift calm
            cozy aesthetic vaporwave cottagecore spooky seasonal weekend mood vibes
            """).Concat(["pixel art", "for kids", "work in progress", "🌸", "🌈", "été", "café", "fête", "niño", "日本", "花"]);

        var words = Shuffled(Words.Take(900).Where(w => w.Length <= 16).ToList(), 4);
        var compounds = new List<string>();
        var rng = Rng.For(0, RngStream.Vocabulary, 5);
        while (compounds.Count < 500)
        {
            var first = Words[rng.Zipfish(300)];
            var second = Words[rng.Zipfish(600)];
            if (first != second)
            {
                compounds.Add($"{first}-{second}");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tags = popular.Concat(words).Concat(compounds).Concat(Invented(200, seen, 6))
            .Select(t => t.Trim().ToLowerInvariant())
            .Where(t => t.Length is > 0 and <= 32 && !t.Contains(',', StringComparison.Ordinal) && seen.Add(t))
            .ToArray();
        if (tags.Length < 1000)
        {
            throw new InvalidOperationException("The generator's tag list is too small.");
        }

        return tags;
    }

    /// <summary>Pronounceable made-up words ("lumora", "brisk"), none of which is in <paramref name="taken"/>.</summary>
    private static IEnumerable<string> Invented(int count, HashSet<string> taken, int stream)
    {
        string[] onsets = ["b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gl", "h", "j", "k", "kr", "l", "m", "n", "p", "pl", "qu", "r", "s", "sh", "sk", "sl", "st", "t", "th", "tr", "v", "w", "z"];
        string[] vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "y"];
        string[] codas = ["", "", "", "n", "r", "l", "m", "s", "x", "nd", "rk", "st", "th", "sh"];
        var rng = Rng.For(0, RngStream.Vocabulary, stream);
        var made = 0;
        while (made < count)
        {
            var syllables = rng.Next(2, 3);
            var word = string.Concat(Enumerable.Range(0, syllables).Select(_ => rng.Pick(onsets) + rng.Pick(vowels))) + rng.Pick(codas);
            if (word.Length <= 12 && taken.Add(word))
            {
                made++;
                yield return word;
            }
        }
    }

    private static List<string> Shuffled(List<string> items, int stream)
    {
        var rng = Rng.For(0, RngStream.Vocabulary, stream);
        var copy = new List<string>(items);
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    private static int Syllables(string word)
    {
        var count = 0;
        for (var i = 0; i < word.Length; i++)
        {
            var vowel = IsVowel(word[i]) || (word[i] == 'y' && i > 0);
            var previous = i > 0 && (IsVowel(word[i - 1]) || (word[i - 1] == 'y' && i > 1));
            count += vowel && !previous ? 1 : 0;
        }

        // A final silent e ("cute", "skate") is no syllable of its own.
        return word.EndsWith('e') && count > 1 && !word.EndsWith("le", StringComparison.Ordinal) ? count - 1 : count;
    }

    // One syllable ending consonant-vowel-consonant (hug, wrap, sad): the consonant doubles before -ing/-ed/-er.
    private static bool DoublesFinal(string w) =>
        w.Length >= 3 && Syllables(w) == 1 && !IsVowel(w[^1]) && w[^1] is not ('w' or 'x' or 'y')
        && IsVowel(w[^2]) && !IsVowel(w[^3]);

    private static bool ConsonantY(string w) => w.Length >= 2 && w[^1] == 'y' && !IsVowel(w[^2]);

    private static string Plural(string w) =>
        w.EndsWith('s') || w.EndsWith('x') || w.EndsWith('z') || w.EndsWith("ch", StringComparison.Ordinal) || w.EndsWith("sh", StringComparison.Ordinal) ? w + "es"
        : ConsonantY(w) ? w[..^1] + "ies"
        : w + "s";

    private static string Ing(string w) =>
        w.EndsWith("ie", StringComparison.Ordinal) ? w[..^2] + "ying"
        : w.EndsWith('e') && !w.EndsWith("ee", StringComparison.Ordinal) ? w[..^1] + "ing"
        : DoublesFinal(w) ? w + w[^1] + "ing"
        : w + "ing";

    private static string Ed(string w) =>
        w.EndsWith('e') ? w + "d"
        : ConsonantY(w) ? w[..^1] + "ied"
        : DoublesFinal(w) ? w + w[^1] + "ed"
        : w + "ed";

    private static string Ly(string w) =>
        ConsonantY(w) ? w[..^1] + "ily"
        : w.EndsWith("le", StringComparison.Ordinal) ? w[..^1] + "y"
        : w.EndsWith("ful", StringComparison.Ordinal) ? w + "ly"
        : w + "ly";

    private static string Ness(string w) => ConsonantY(w) ? w[..^1] + "iness" : w + "ness";

    private static string Comparative(string w, string ending) =>
        ConsonantY(w) ? w[..^1] + "i" + ending
        : w.EndsWith('e') ? w + ending[1..]
        : DoublesFinal(w) ? w + w[^1] + ending
        : w + ending;
}
