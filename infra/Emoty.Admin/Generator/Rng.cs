using System.Buffers.Binary;

namespace Emoty.Admin.Generator;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own rather than <see cref="Random"/>, whose sequence
/// for a given seed is not promised to stay the same across .NET versions. Every entity (user i,
/// pattern i, …) draws from its own stream, so a row never depends on how many draws the rows before
/// it made, nor on which thread generated it.
/// </summary>
internal struct Rng
{
    private ulong s0, s1, s2, s3;

    public static Rng For(int seed, RngStream stream, long index)
    {
        var key = (ulong)(uint)seed | ((ulong)stream << 32);
        var x = SplitMix(ref key) ^ (ulong)index;
        return new Rng { s0 = SplitMix(ref x), s1 = SplitMix(ref x), s2 = SplitMix(ref x), s3 = SplitMix(ref x) };
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n) (multiply-shift; the bias is below 2⁻³² and does not matter here).</summary>
    public int Next(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    public int Next(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>
    /// A rank in [0, n) with rank k = floor(n·u³): rank 0 is drawn (1/n)^⅓ of the time, the median
    /// rank a few hundred times less often, which is the skew of word and tag use. Cubing is exact
    /// IEEE arithmetic, unlike Math.Pow, so every platform gets the same ranks.
    /// </summary>
    public int Zipfish(int n)
    {
        var u = NextDouble();
        return (int)(n * (u * u * u));
    }

    /// <summary>Pareto with minimum 1 and shape <paramref name="alpha"/>: u^(−1/α), heavy-tailed for α near 1.</summary>
    public double Pareto(double alpha) => Math.Pow(1.0 - NextDouble(), -1.0 / alpha);

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A version-4 UUID made of the stream's bits, so ids are as reproducible as the rest.</summary>
    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, NextUInt64());
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], NextUInt64());
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>One stream of random numbers per kind of entity (see <see cref="Rng.For"/>).</summary>
internal enum RngStream : byte
{
    UserPlan = 1,
    UserTimes,
    User,
    PatternPlan,
    PatternContent,
    Favorites,
    Shares,
    Collections,
    Usage,
    Versions,
    Vocabulary,
    Viewers,
}
