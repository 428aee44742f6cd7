using Emoty.Domain.Patterns;

namespace Emoty.Admin.Generator;

/// <summary>
/// Real emojis in themes, as people pick them: a pattern mostly takes its emojis from one theme
/// (a garden is flowers and leaves), and the coloured squares and circles of pixel art are the
/// most used theme of all. Includes the awkward cases the app must store: FE0F presentation
/// selectors, ZWJ sequences, skin tones, flags and keycaps.
/// </summary>
internal static class Emojis
{
    /// <summary>Themes, most used first (a theme is drawn with a skew towards the front).</summary>
    public static readonly string[][] Themes = Validate(
    [
        Split("🟥 🟧 🟨 🟩 🟦 🟪 🟫 ⬛ ⬜ 🔴 🟠 🟡 🟢 🔵 🟣 🟤 ⚫ ⚪ 🔶 🔷 🔸 🔹 🔺 🔻 💠 🔲 🔳 ▪️ ▫️ ◼️ ◻️"),
        Split("🌸 🌷 🌹 🌺 🌻 🌼 💐 🥀 🪷 🪻 🏵️ 🌱 🌿 🍀 ☘️ 🍃 🍂 🍁 🌾 🌵 🌴 🌳 🌲 🪴 🍄"),
        Split("❤️ 🧡 💛 💚 💙 💜 🤎 🖤 🤍 🩷 🩵 🩶 💖 💗 💓 💞 💕 💘 💝 💟 ❣️ 💔 ❤️‍🔥 ❤️‍🩹 💋 😍 🥰 😘"),
        Split("🌅 🌄 🌇 🌆 🌃 🌌 🌠 🌙 🌛 🌜 🌝 🌞 ☀️ 🌤️ ⛅ 🌥️ ☁️ 🌦️ 🌧️ ⛈️ 🌩️ 🌨️ ❄️ ☃️ ⛄ 🌈 ⚡ 🔥 💧 🌊 🌪️ 🌫️"),
        Split("⭐ 🌟 ✨ 💫 ☄️ 🪐 🌍 🌎 🌏 🌑 🌒 🌓 🌔 🌕 🌖 🌗 🌘 🚀 🛸 🛰️ 👽 👾 🔭 🌌"),
        Split("🐚 🐙 🦑 🦐 🦞 🦀 🐡 🐠 🐟 🐬 🐳 🐋 🦈 🦭 🐢 🪼 🪸 🏝️ 🏖️ ⛵ 🌊 ⚓ 🧜‍♀️ 🧜"),
        Split("🍓 🍒 🍎 🍏 🍐 🍑 🍊 🍋 🍌 🍉 🍇 🫐 🍈 🥭 🍍 🥥 🥝 🍅 🥑 🥕 🌽 🌶️ 🫑 🥦 🍆"),
        Split("🍰 🎂 🧁 🍩 🍪 🍫 🍬 🍭 🍮 🍯 🍦 🍧 🍨 🥧 🧇 🥞 🍕 🍔 🌮 🍟 🍣 🍜 🥟 ☕ 🍵 🧋 🥤 🍹"),
        Split("🐶 🐱 🐭 🐹 🐰 🦊 🐻 🐼 🐻‍❄️ 🐨 🐯 🦁 🐮 🐷 🐸 🐵 🦄 🐔 🐧 🐦 🐤 🦆 🦉 🦋 🐝 🐞 🐌 🐛 🦔 🐈‍⬛ 🐕‍🦺"),
        Split("😀 😃 😄 😁 😆 😂 🤣 😊 😇 🙂 😉 😌 😋 😎 🤩 🥳 😏 😴 🤔 🤗 🫶 😺 😸 😹 😻 🙈 🙉 🙊 💀 🤖 👻 🎃"),
        Split("👍 👍🏻 👍🏽 👍🏿 👏 👏🏼 🙌 🙌🏾 👋 👋🏽 ✌️ ✌🏻 🤞 🤞🏿 🫶🏽 💪 💪🏾 🙏 🙏🏼 👌 🤙 🖐️ ✋🏻"),
        Split("🎉 🎊 🎈 🎁 🎀 🎄 🎃 🎆 🎇 🧨 🪅 🪩 🎏 🎐 🎎 🏮 🕯️ 🔔 🎗️ 🎟️ 👑 💎 💍 🪄 🧿"),
        Split("⚽ 🏀 🏈 ⚾ 🥎 🎾 🏐 🏉 🥏 🎱 🏓 🏸 🏒 🥊 🎯 ⛳ 🎮 🕹️ 🎲 🧩 ♟️ 🃏 🀄 🎳 🛹"),
        Split("🏠 🏡 🏰 🏯 🗼 🗽 ⛪ 🕌 ⛩️ 🏔️ ⛰️ 🌋 🗻 🏕️ 🏜️ 🏞️ 🌁 🌉 🎡 🎢 🎠 🚂 🚗 🚲 ✈️ 🛶 🚢"),
        Split("🎨 🖌️ 🖍️ ✏️ 📚 📖 🎵 🎶 🎸 🎹 🥁 🎺 🎻 🎤 🎧 📷 💡 🔮 🧸 🪁 🧶 🧵 🪡 ⌛ ⏰ 📱 💻"),
        Split("🏳️‍🌈 🏳️‍⚧️ 🏴‍☠️ 🏁 🚩 🇫🇷 🇩🇪 🇮🇹 🇪🇸 🇬🇧 🇺🇸 🇨🇦 🇧🇷 🇯🇵 🇰🇷 🇮🇳 🇳🇬 🇿🇦 🇺🇦 🇲🇽 🇦🇺 🇸🇪 🇳🇴 🇮🇪"),
        Split("👨‍👩‍👧‍👦 👩‍👩‍👦 👨‍👨‍👧 👩‍❤️‍👨 👩‍🎨 🧑‍🚀 👩‍🍳 🧑‍🌾 🧙 🧚 🧛 🧞 🧝 🦸 🦹 👸 🤴 🥷 🧑‍🎄 🎅 🤶 👼"),
        Split("1️⃣ 2️⃣ 3️⃣ 4️⃣ 5️⃣ #️⃣ *️⃣ 🔟 ♈ ♉ ♊ ♋ ♌ ♍ ♎ ♏ ♐ ♑ ♒ ♓ ☮️ ☯️ ♾️ ⚜️ 🔱 ➕ ➖ ✖️ ❌ ⭕ ✅ ❓ ❗ 💯 🆗 🆒"),
    ]);

    public static readonly string[] All = Themes.SelectMany(t => t).Distinct(StringComparer.Ordinal).ToArray();

    private static string[] Split(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // A typo here would only show up as a CHECK violation in the middle of a million-row COPY.
    private static string[][] Validate(string[][] themes)
    {
        foreach (var emoji in themes.SelectMany(t => t))
        {
            if (!Emoji.IsSingleEmoji(emoji))
            {
                throw new InvalidOperationException($"Not a single emoji in the generator's list: '{emoji}'");
            }
        }

        return themes;
    }
}
