package dev.mondrian.runner.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real chat templates, rendered to what transformers' apply_chat_template gives (expected strings written by hand). */
class TransformersJinjaTest {
    private final TransformersJinja jinja = new TransformersJinja();

    private String render(String template, boolean addGenerationPrompt, ChatMessage... messages) {
        ContentStyle style = ContentStyle.of(template);
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", List.of(messages).stream().map(m -> m.templateView(style)).toList());
        variables.put("add_generation_prompt", addGenerationPrompt);
        variables.put("bos_token", "<s>");
        variables.put("eos_token", "</s>");
        return jinja.render(template, variables);
    }

    private static ChatMessage system(String text) {
        return ChatMessage.text("system", text);
    }

    private static ChatMessage user(String text) {
        return ChatMessage.text("user", text);
    }

    private static ChatMessage assistant(String text) {
        return ChatMessage.text("assistant", text);
    }

    @Test
    void qwen2ChatMlAddsTheDefaultSystemTurnOnlyWhenThereIsNone() {
        String template = TinyTokenizerFiles.CHATML_TEMPLATE;
        assertThat(render(template, true, user("Hi")))
                .isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(render(template, false, system("Be kind."), user("Hi"), assistant("Hello!")))
                .isEqualTo("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n");
    }

    static final String QWEN25 = """
            {%- if tools %}
                {{- '<|im_start|>system\\n' }}
                {%- if messages[0]['role'] == 'system' %}
                    {{- messages[0]['content'] }}
                {%- else %}
                    {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
                {%- endif %}
                {{- "\\n\\n# Tools\\n\\n<tools>" }}
                {%- for tool in tools %}
                    {{- "\\n" }}
                    {{- tool | tojson }}
                {%- endfor %}
                {{- "\\n</tools><|im_end|>\\n" }}
            {%- else %}
                {%- if messages[0]['role'] == 'system' %}
                    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
                {%- else %}
                    {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
                {%- endif %}
            {%- endif %}
            {%- for message in messages %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
                    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
                {%- elif message.role == "assistant" %}
                    {{- '<|im_start|>' + message.role }}
                    {%- if message.content %}
                        {{- '\\n' + message.content }}
                    {%- endif %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == "tool" %}
                    {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
                        {{- '<|im_start|>user' }}
                    {%- endif %}
                    {{- '\\n<tool_response>\\n' }}
                    {{- message.content }}
                    {{- '\\n</tool_response>' }}
                    {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
                        {{- '<|im_end|>\\n' }}
                    {%- endif %}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    @Test
    void qwen25TemplateWithWhitespaceControlAndToolBranches() {
        assertThat(render(QWEN25, true, user("Hi")))
                .isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(render(QWEN25, false, system("Be kind."), user("Hi"), assistant("Hello!"), ChatMessage.text("tool", "42"),
                ChatMessage.text("tool", "43")))
                .isEqualTo("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
                        + "<|im_start|>user\n<tool_response>\n42\n</tool_response>\n<tool_response>\n43\n</tool_response><|im_end|>\n");
    }

    /** Meta-Llama-3-8B-Instruct: bos_token first, each turn's content trimmed (the filter binds tighter than +). */
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    @Test
    void llama3TrimsContentAndStartsWithBos() {
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", List.of(system("Be brief. "), user("  Hi\n")).stream().map(m -> m.templateView(ContentStyle.TEXT)).toList());
        variables.put("add_generation_prompt", true);
        variables.put("bos_token", "<|begin_of_text|>");
        assertThat(jinja.render(LLAMA3, variables))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    /** Llama 3.1's layout (tool branches cut): {#- comments, blank lines, messages[1:], none, 'x' in dict. */
    static final String LLAMA31 = """
            {{- bos_token }}
            {%- if custom_tools is defined %}
                {%- set tools = custom_tools %}
            {%- endif %}
            {%- if not tools_in_user_message is defined %}
                {%- set tools_in_user_message = true %}
            {%- endif %}
            {%- if not date_string is defined %}
                {%- set date_string = "26 Jul 2024" %}
            {%- endif %}
            {%- if not tools is defined %}
                {%- set tools = none %}
            {%- endif %}

            {#- This block extracts the system message, so we can slot it into the right place. #}
            {%- if messages[0]['role'] == 'system' %}
                {%- set system_message = messages[0]['content']|trim %}
                {%- set messages = messages[1:] %}
            {%- else %}
                {%- set system_message = "" %}
            {%- endif %}

            {#- System message + builtin tools #}
            {{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
            {%- if builtin_tools is defined or tools is not none %}
                {{- "Environment: ipython\\n" }}
            {%- endif %}
            {{- "Cutting Knowledge Date: December 2023\\n" }}
            {{- "Today Date: " + date_string + "\\n\\n" }}
            {{- system_message }}
            {{- "<|eot_id|>" }}

            {%- for message in messages %}
                {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
                    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
            {%- endif %}
            """;

    @Test
    void llama31MovesTheSystemTurnIntoItsHeader() {
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", List.of(system("  You are terse. "), user("Hi there\n")).stream()
                .map(m -> m.templateView(ContentStyle.TEXT)).toList());
        variables.put("add_generation_prompt", true);
        variables.put("bos_token", "<|begin_of_text|>");
        assertThat(jinja.render(LLAMA31, variables))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 26 Jul 2024\n\nYou are terse.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    /** llava-hf/llava-1.5 processor template: selectattr over parts, .upper(), the generation tag. */
    static final String LLAVA_HF = "{% for message in messages %}{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
            + "{# Render all images first #}{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\\n' }}{% endfor %}"
            + "{# Render all text next #}{% if message['role'] != 'assistant' %}"
            + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}{% endfor %}"
            + "{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
            + "{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}{% endif %}{% endfor %}"
            + "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}";

    @Test
    void llavaHfPlacesImagesBeforeTextAndKeepsTheGenerationTagsBody() {
        assertThat(ContentStyle.of(LLAVA_HF)).isEqualTo(ContentStyle.PARTS);
        assertThat(render(LLAVA_HF, true, new ChatMessage("user", "What is shown?", 1), assistant("A cat."), user("Why?")))
                .isEqualTo("USER: <image>\nWhat is shown? ASSISTANT: A cat. USER: Why? ASSISTANT:");
    }

    /** Written over several lines: trim_blocks eats the newline after each tag, the literal "\n" after <image> stays. */
    static final String LLAVA_LINES = """
            {% for message in messages %}
            {{ message['role'] | upper }}: {% for item in message['content'] %}
            {% if item['type'] == 'image' %}<image>
            {% elif item['type'] == 'text' %}{{ item['text'] }}{% endif %}
            {% endfor %}

            {% endfor %}
            {% if add_generation_prompt %}ASSISTANT:{% endif %}
            """;

    @Test
    void llavaStyleLoopOverContentParts() {
        assertThat(render(LLAVA_LINES, true, new ChatMessage("user", "Describe.", 2)))
                .isEqualTo("USER: <image>\n<image>\nDescribe.\nASSISTANT:");
    }

    /** Qwen3's reasoning handling (tools cut): namespace, messages[::-1], str methods chained after subscripts. */
    static final String QWEN3 = """
            {%- if messages[0].role == 'system' %}
                {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
            {%- endif %}
            {%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
            {%- for message in messages[::-1] %}
                {%- set index = (messages|length - 1) - loop.index0 %}
                {%- if ns.multi_step_tool and message.role == "user" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
                    {%- set ns.multi_step_tool = false %}
                    {%- set ns.last_query_index = index %}
                {%- endif %}
            {%- endfor %}
            {%- for message in messages %}
                {%- if message.content is string %}
                    {%- set content = message.content %}
                {%- else %}
                    {%- set content = '' %}
                {%- endif %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
                    {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
                {%- elif message.role == "assistant" %}
                    {%- set reasoning_content = '' %}
                    {%- if '</think>' in content %}
                        {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
                        {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
                    {%- endif %}
                    {%- if loop.index0 > ns.last_query_index %}
                        {%- if loop.last or (not loop.last and reasoning_content) %}
                            {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
                        {%- else %}
                            {{- '<|im_start|>' + message.role + '\\n' + content }}
                        {%- endif %}
                    {%- else %}
                        {{- '<|im_start|>' + message.role + '\\n' + content }}
                    {%- endif %}
                    {{- '<|im_end|>\\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
                {%- if enable_thinking is defined and enable_thinking is false %}
                    {{- '<think>\\n\\n</think>\\n\\n' }}
                {%- endif %}
            {%- endif %}
            """;

    @Test
    void qwen3DropsOldReasoningAndKeepsTheLatest() {
        String answer = "<think>\nadd\n</think>\n\n4";
        assertThat(render(QWEN3, true, system("Be brief."), user("2+2?"), assistant(answer), user("and 3+3?")))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n"
                        + "<|im_start|>user\nand 3+3?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(render(QWEN3, false, user("2+2?"), assistant(answer)))
                .isEqualTo("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\nadd\n</think>\n\n4<|im_end|>\n");
    }

    /** Mistral-7B-Instruct-v0.1: refuses conversations that do not alternate, through raise_exception. */
    static final String MISTRAL = "{{ bos_token }}{% for message in messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
            + "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

    @Test
    void raiseExceptionStopsRenderingWithTheTemplatesMessage() {
        assertThat(render(MISTRAL, true, user("Hi"), assistant("Hello"), user("Bye")))
                .isEqualTo("<s>[INST] Hi [/INST]Hello</s> [INST] Bye [/INST]");
        assertThatThrownBy(() -> render(MISTRAL, true, assistant("Hello")))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template refused the conversation: Conversation roles must alternate user/assistant/user/assistant/...");
        assertThatThrownBy(() -> render(MISTRAL, true, user("Hi"), system("x")))
                .hasMessageContaining("Only user and assistant roles are supported!");
    }

    @Test
    void namespaceLoopFlagsAndPythonStringMethods() {
        String template = """
                {%- set ns = namespace(found=false) %}
                {%- for message in messages %}
                    {%- if message['role'] == 'system' %}{% set ns.found = true %}{% endif %}
                    {{- message['role'].title() + ('' if loop.last else ',') }}
                    {%- if loop.first %}{{ '^' }}{% endif %}
                {%- endfor %}
                {{- ' ' ~ ns.found }}|{{ '  x y  '.strip() }}|{{ 'a-b-c'.split('-', 1)[1] }}|{{ ' a  b '.split() | length }}
                |{{ 'Hello'.startswith(('x', 'He')) }}|{{ 'abc'.endswith('bc') }}|{{ 'xxhixx'.strip('x') }}|{{ 'hello world'.capitalize() }}
                """;
        assertThat(render(template, false, system("s"), user("u")))
                .isEqualTo("System,^User true|x y|b-c|2\n|true|true|hi|Hello world");
    }

    @Test
    void strftimeNowFormatsTodayAsPythonWould() {
        DateTimeFormatter python = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.US);
        String before = python.format(ZonedDateTime.now());
        String rendered = jinja.render("{{ strftime_now('%d %b %Y') }}", Map.of());
        assertThat(rendered).isIn(before, python.format(ZonedDateTime.now()));
    }

    @Test
    void templateMistakesAreErrorsNotSilentGaps() {
        assertThatThrownBy(() -> jinja.render("a\n{% if x %}unclosed", Map.of()))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageStartingWith("chat template failed at line 2:")
                .hasMessageContaining("endif");
        assertThatThrownBy(() -> jinja.render("{{ 1 + }}", Map.of())).isInstanceOf(ChatTemplateException.class);
    }
}
